package dev.caravan.dialect.openai;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;

/**
 * Turns Gemini's {@code usageMetadata} into OpenAI's {@code usage}. Completion tokens count the answer and the
 * thoughts (both are billed as output); prompt tokens count the prompt and what tools such as Google Search added
 * to it, so the three figures add up like Gemini's own total. Stateless; thread-safe.
 */
final class UsageTranslator {

    private UsageTranslator() {
    }

    /**
     * Writes the usage object.
     *
     * @param metadata Gemini's usage metadata, or null for an all-zero usage
     */
    static void write(JsonGenerator out, JsonNode metadata) throws IOException {
        long prompt = count(metadata, "promptTokenCount") + count(metadata, "toolUsePromptTokenCount");
        long thoughts = count(metadata, "thoughtsTokenCount");
        long completion = count(metadata, "candidatesTokenCount") + thoughts;
        JsonNode total = Json.field(metadata, "totalTokenCount");
        out.writeStartObject();
        out.writeNumberField("prompt_tokens", prompt);
        out.writeNumberField("completion_tokens", completion);
        out.writeNumberField("total_tokens", total != null ? total.asLong() : prompt + completion);
        if (Json.field(metadata, "cachedContentTokenCount") != null) {
            out.writeObjectFieldStart("prompt_tokens_details");
            out.writeNumberField("cached_tokens", count(metadata, "cachedContentTokenCount"));
            out.writeEndObject();
        }
        out.writeObjectFieldStart("completion_tokens_details");
        out.writeNumberField("reasoning_tokens", thoughts);
        out.writeEndObject();
        out.writeEndObject();
    }

    /** The usage object as a tree, for a stream's last chunk: what {@link #write} writes, read back. */
    static JsonNode of(ObjectMapper json, JsonNode metadata) {
        try (TokenBuffer tokens = new TokenBuffer(json, false)) {
            write(tokens, metadata);
            return json.readTree(tokens.asParser(json));
        } catch (IOException e) {
            // tokens held in memory have nothing to fail on
            throw new UncheckedIOException(e);
        }
    }

    private static long count(JsonNode metadata, String field) {
        JsonNode v = Json.field(metadata, field);
        return v == null ? 0 : v.asLong();
    }
}
