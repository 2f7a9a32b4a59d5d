package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11, the Files API's other upload protocol: {@code X-Goog-Upload-Protocol: multipart} sends metadata and bytes
 * in one multipart/related request. It goes to Google with one pool key, whole and unchanged, and the file it makes
 * then belongs to that key and to the client that uploaded it, as a resumable upload's does.
 */
class UploadsMultipartFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OTHER_TOKEN = "client-token-2";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a", "pool-key-b", "pool-key-c")
            .set("caravan.allowed-tokens", "[\"" + Gateway.TOKEN + "\",\"" + OTHER_TOKEN + "\"]");

    @Test
    void aMultipartUploadGoesWholeWithOneKeyAndItsFileStaysWithThatKey() throws Exception {
        String boundary = "caravan-test-boundary";
        byte[] body = ("--" + boundary + "\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
                + "{\"file\":{\"displayName\":\"notes.txt\"}}\r\n--" + boundary + "\r\nContent-Type: text/plain\r\n\r\n"
                + "twelve bytes\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> up = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/upload/v1beta/files")))
                .header("x-goog-api-key", Gateway.TOKEN)
                .header("X-Goog-Upload-Protocol", "multipart")
                .header("Content-Type", "multipart/related; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));

        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        JsonNode file = JSON.readTree(up.body()).path("file");
        String name = file.path("name").asText();
        assertThat(name).startsWith("files/");
        // Google received the request once, whole, with one key of the pool and never the client's token
        assertThat(gateway.stub().files().calls()).singleElement().satisfies(c -> {
            assertThat(c.command()).isEqualTo("multipart");
            assertThat(c.bytes()).isEqualTo(body.length);
            assertThat(c.key()).isIn("pool-key-a", "pool-key-b", "pool-key-c");
        });
        String owner = gateway.stub().files().calls().get(0).key();

        // every generate naming the file goes with that key; another client finds no such file
        String generate = "{\"contents\":[{\"parts\":[{\"text\":\"read it\"},{\"fileData\":{\"mimeType\":\"text/plain\","
                + "\"fileUri\":\"" + file.path("uri").asText() + "\"}}]}]}";
        for (int i = 0; i < 3; i++) {
            assertThat(post(Gateway.TOKEN, generate).statusCode()).isEqualTo(200);
        }
        assertThat(gateway.stub().keysSeen()).hasSize(3).containsOnly(owner);
        HttpResponse<String> other = post(OTHER_TOKEN, generate);
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(other.body()).contains(name);
        assertThat(gateway.stub().keysSeen()).hasSize(3);
    }

    private static HttpResponse<String> post(String token, String body) throws Exception {
        return gateway.send(HttpRequest.newBuilder(
                        URI.create(gateway.url("/v1beta/models/gemini-2.5-flash:generateContent")))
                .header("x-goog-api-key", token).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
