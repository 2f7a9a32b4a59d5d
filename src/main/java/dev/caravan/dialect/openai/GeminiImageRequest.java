package dev.caravan.dialect.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An OpenAI image generation request as a Gemini call: Imagen's {@code :predict}, or {@code :generateContent} with
 * image output. Immutable but for the body, which is not copied: treat it as read-only once built, and it may then
 * be read from any thread.
 *
 * @param requestedModel the model id the client sent (or the default), without {@code models/}
 * @param imagen         whether this is an Imagen {@code predict} call
 * @param calls          how many times to send the body: 1 for Imagen (which makes {@code n} images at once), n
 *                       for Gemini models, which make one image per call
 * @param urls           whether the client asked for {@code response_format: url} (answered with data URLs)
 * @param body           the request body
 */
public record GeminiImageRequest(String requestedModel, boolean imagen, int calls, boolean urls, ObjectNode body) {

    /** {@code predict} for Imagen, else {@code generateContent}. */
    public String action() {
        return imagen ? "predict" : "generateContent";
    }

    /** The path below the base URL, e.g. {@code /models/imagen-4.0-generate-001:predict}. */
    public String path() {
        return "/models/" + requestedModel + ":" + action();
    }
}
