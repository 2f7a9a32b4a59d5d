package dev.caravan.dialect.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An OpenAI embeddings request as a Gemini {@code batchEmbedContents} call. Immutable but for the body, which is not
 * copied: treat it as read-only once built, and it may then be read from any thread.
 *
 * @param requestedModel the model id the client sent, reported back
 * @param model          the Gemini model to call, without {@code models/}
 * @param base64         whether the client asked for {@code encoding_format: base64}
 * @param body           the {@code batchEmbedContents} body
 */
public record GeminiEmbedRequest(String requestedModel, String model, boolean base64, ObjectNode body) {

    /** The path below the base URL, e.g. {@code /models/gemini-embedding-001:batchEmbedContents}. */
    public String path() {
        return "/models/" + model + ":batchEmbedContents";
    }
}
