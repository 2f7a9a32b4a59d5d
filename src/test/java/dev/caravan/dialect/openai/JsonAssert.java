package dev.caravan.dialect.openai;

import static org.assertj.core.api.Assertions.fail;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Exact JSON comparison for translation tests: the same tree, with integers equal by value whatever their width. */
final class JsonAssert {

    static final ObjectMapper JSON = new ObjectMapper();
    static final long NOW = 1_700_000_000L;
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

    /** Integers compare by value whatever their Java width; an integer never equals a decimal. */
    private static final Comparator<JsonNode> SAME = (a, b) -> {
        if (a.isNumber() && b.isNumber() && a.isIntegralNumber() == b.isIntegralNumber()) {
            return new BigDecimal(a.asText()).compareTo(new BigDecimal(b.asText()));
        }
        return a.equals(b) ? 0 : 1;
    };

    private JsonAssert() {
    }

    /** The chat.completion the translator writes for {@code response}, read back. */
    static JsonNode completion(GeminiToOpenAi translator, JsonNode response, String requestedModel) {
        try {
            return JSON.readTree(translator.chatCompletion(response, requestedModel));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the translator wrote JSON that does not parse", e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("test JSON does not parse: " + text, e);
        }
    }

    static void assertJson(JsonNode actual, String expected) {
        JsonNode want = json(expected);
        if (actual == null || !actual.equals(SAME, want)) {
            fail("JSON differs%nexpected: %s%nactual:   %s", want, actual);
        }
    }

    static void assertJson(String actual, String expected) {
        assertJson(json(actual), expected);
    }

    /** The text with each {@code ${key}} replaced, for expectations that hold computed ids. */
    static String fill(String text, Map<String, String> values) {
        String out = text;
        for (Map.Entry<String, String> e : values.entrySet()) {
            out = out.replace("${" + e.getKey() + "}", e.getValue());
        }
        return out;
    }
}
