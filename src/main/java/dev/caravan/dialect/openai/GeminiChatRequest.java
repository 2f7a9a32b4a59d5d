package dev.caravan.dialect.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An OpenAI chat completion request as Gemini will receive it, with what the route and the response translator
 * need to know about it. Immutable but for the body, which is not copied: treat it as read-only once built, and it
 * may then be read from any thread.
 *
 * @param requestedModel the model id the client asked for, reported back in every response
 * @param model          the Gemini model to call (aliases resolved, without {@code models/})
 * @param stream         whether the client asked for a stream ({@code stream: true})
 * @param includeUsage   whether the stream must end with a usage chunk ({@code stream_options.include_usage})
 * @param body           the {@code generateContent} body
 */
public record GeminiChatRequest(String requestedModel, String model, boolean stream, boolean includeUsage,
                                ObjectNode body) {

    /** {@code generateContent} or {@code streamGenerateContent}. */
    public String action() {
        return stream ? "streamGenerateContent" : "generateContent";
    }

    /** The path below the base URL, e.g. {@code /models/gemini-2.5-flash:streamGenerateContent}. */
    public String path() {
        return "/models/" + model + ":" + action();
    }

    /** The query string to add: {@code alt=sse} for streams, else null. */
    public String query() {
        return stream ? "alt=sse" : null;
    }
}
