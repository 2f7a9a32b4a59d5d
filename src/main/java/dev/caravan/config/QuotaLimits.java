package dev.caravan.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.models.ModelName;

/**
 * One model's limits per Google Cloud project, as an operator knows them from AI Studio (QUOTA_LIMITS): requests per
 * minute, input tokens per minute, requests per day; -1 where not known. Google's own {@code quotaValue} overrides
 * them once a 429 tells it. Immutable.
 */
public record QuotaLimits(long rpm, long tpm, long rpd) {

    public static final QuotaLimits UNKNOWN = new QuotaLimits(-1, -1, -1);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** QUOTA_LIMITS: {"gemini-2.5-flash": {"rpm": 10, "tpm": 250000, "rpd": 250}}; empty for none. */
    static Map<String, QuotaLimits> parseTable(String raw) {
        if (raw.isEmpty() || raw.equals("{}")) {
            return Map.of();
        }
        JsonNode root;
        try {
            root = JSON.readTree(raw);
        } catch (Exception e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(
                    "expected a JSON object such as {\"gemini-2.5-flash\": {\"rpm\": 10, \"tpm\": 250000, \"rpd\": 250}}");
        }
        Map<String, QuotaLimits> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (!ModelName.isValid(e.getKey())) {
                throw new IllegalArgumentException("expected model ids such as gemini-2.5-flash as the names");
            }
            JsonNode n = e.getValue();
            if (!n.isObject()) {
                throw new IllegalArgumentException("the limits of " + e.getKey() + " must be an object of rpm, tpm and rpd");
            }
            for (Map.Entry<String, JsonNode> f : n.properties()) {
                if (!java.util.Set.of("rpm", "tpm", "rpd").contains(f.getKey()) || !f.getValue().canConvertToLong()
                        || f.getValue().asLong() < 1) {
                    throw new IllegalArgumentException("the limits of " + e.getKey()
                            + " are rpm, tpm and rpd, each a whole number of at least 1");
                }
            }
            out.put(e.getKey(), new QuotaLimits(n.path("rpm").asLong(-1), n.path("tpm").asLong(-1), n.path("rpd").asLong(-1)));
        }
        return Collections.unmodifiableMap(out);
    }
}
