package dev.caravan.support;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A generated image as Google answers it, and the OpenAI calls that ask for one, for the image tests. */
public final class GeneratedImageAnswers {

    private GeneratedImageAnswers() {
    }

    /** A PNG's signature and a few bytes: what the tests find in uploads and answers. */
    public static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 7, 7, 7};
    public static final String PNG_BASE64 = Base64.getEncoder().encodeToString(PNG);

    /** Google's generateContent answer with some text and one inline PNG. */
    public static final String IMAGE_ANSWER = """
            {"candidates": [{"content": {"role": "model", "parts": [
               {"text": "Here it is."},
               {"inlineData": {"mimeType": "image/png", "data": "%s"}}]},
             "finishReason": "STOP", "index": 0}]}
            """.formatted(PNG_BASE64);

    /** Whether {@code multipart} holds the PNG as a file field named {@code field}. */
    public static boolean holdsPngAsFileField(byte[] multipart, String field) {
        String text = new String(multipart, StandardCharsets.ISO_8859_1);
        return text.contains("name=\"" + field + "\"; filename=\"") && text.contains("Content-Type: image/png")
                && text.contains(new String(PNG, StandardCharsets.ISO_8859_1));
    }

    /** POSTs an OpenAI request with the client token as Bearer. */
    public static HttpResponse<String> postOpenAi(Gateway gateway, String path, String json) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.url(path)))
                .header("Authorization", "Bearer " + Gateway.TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }
}
