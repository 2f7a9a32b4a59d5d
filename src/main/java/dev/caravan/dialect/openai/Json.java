package dev.caravan.dialect.openai;

import com.fasterxml.jackson.databind.JsonNode;

/** Null-tolerant reads of client JSON, where an explicit {@code null} means "not sent". Stateless; thread-safe. */
final class Json {

    private Json() {
    }

    /** The field's value, or null when it is absent or JSON null. */
    static JsonNode field(JsonNode object, String name) {
        if (object == null || !object.isObject()) {
            return null;
        }
        JsonNode v = object.get(name);
        return v == null || v.isNull() ? null : v;
    }

    /** The field's text, or null when absent or null; anything but a string is refused. */
    static String text(JsonNode object, String name, String path) {
        JsonNode v = field(object, name);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidOpenAiRequest(path + " must be a string", path);
        }
        return v.asText();
    }

    static String requiredText(JsonNode object, String name, String path) {
        String v = text(object, name, path);
        if (v == null || v.isEmpty()) {
            throw new InvalidOpenAiRequest(path + " is required", path);
        }
        return v;
    }

    /** The field's text at a nested path of plain object fields, or null when any step is missing. */
    static String nestedText(JsonNode node, String... names) {
        JsonNode v = node;
        for (String name : names) {
            v = field(v, name);
        }
        return v != null && v.isTextual() ? v.asText() : null;
    }
}
