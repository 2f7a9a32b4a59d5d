package dev.caravan.dialect.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.http.CompactJsonNodes;

/**
 * Turns Gemini's {@code usageMetadata} into OpenAI's {@code usage}. Completion tokens count the answer and the
 * thoughts (both are billed as output); prompt tokens count the prompt and what tools such as Google Search added
 * to it, so the three figures add up like Gemini's own total. Stateless; thread-safe.
 */
final class UsageTranslator {

    private UsageTranslator() {
    }

    /** @param metadata Gemini's usage metadata, or null for an all-zero usage */
    static ObjectNode of(JsonNode metadata) {
        long prompt = count(metadata, "promptTokenCount") + count(metadata, "toolUsePromptTokenCount");
        long thoughts = count(metadata, "thoughtsTokenCount");
        long completion = count(metadata, "candidatesTokenCount") + thoughts;
        JsonNode total = Json.field(metadata, "totalTokenCount");
        ObjectNode usage = CompactJsonNodes.INSTANCE.objectNode()
                .put("prompt_tokens", prompt)
                .put("completion_tokens", completion)
                .put("total_tokens", total != null ? total.asLong() : prompt + completion);
        if (Json.field(metadata, "cachedContentTokenCount") != null) {
            usage.putObject("prompt_tokens_details").put("cached_tokens", count(metadata, "cachedContentTokenCount"));
        }
        usage.putObject("completion_tokens_details").put("reasoning_tokens", thoughts);
        return usage;
    }

    private static long count(JsonNode metadata, String field) {
        JsonNode v = Json.field(metadata, field);
        return v == null ? 0 : v.asLong();
    }
}
