package dev.caravan.dialect;

import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.dialect.openai.ModelAliases;
import dev.caravan.http.BufferJson;
import dev.caravan.upstream.Upstream;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Google's model answers on the Gemini-native surface, as gemini-balance lists them: {@code GET /v1beta/models}
 * without FILTERED_MODELS and with the derived {@code models/<m>-search}, {@code -image} and {@code -non-thinking}
 * entries (copies of their base's entry, appended after the page that lists the base); {@code GET
 * /v1beta/models/<alias>} as its base's entry under the alias's name. Other answers, and errors, pass unchanged.
 * A processor, not a bean method, because it runs after every native call (the bean EIP's method lookup was 1.5% of a
 * request's CPU, bench/profile.sh). Thread-safe.
 */
public final class GeminiModelList implements Processor {

    private final ObjectMapper json;
    private final Supplier<ModelAliases> aliases;

    public GeminiModelList(ObjectMapper json, Supplier<ModelAliases> aliases) {
        this.json = json;
        this.aliases = aliases;
    }

    /** After the call: rewrites a model list or an alias's entry; leaves everything else alone. */
    @Override
    public void process(Exchange exchange) throws Exception {
        Message out = exchange.getMessage();
        boolean list = exchange.getProperty(GeminiModelFeatures.LIST, false, Boolean.class);
        String requested = exchange.getProperty(GeminiModelFeatures.REQUESTED, String.class);
        boolean one = requested != null && exchange.getProperty(GeminiModelFeatures.ONE, false, Boolean.class);
        if (!list && !one || !Upstream.answeredWell(out)) {
            return;
        }
        JsonNode body;
        try {
            body = BufferJson.tree(json, out);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // not JSON (a proxy's page, a body cut short): Google's answer as it came, as for every other call;
            // left to propagate, the parse error would read as the client's invalid JSON
            return;
        }
        if (!(body instanceof ObjectNode object)) {
            return;
        }
        if (list) {
            if (!list(object)) {
                // nothing filtered, nothing derived: Google's bytes as they came
                return;
            }
        } else {
            rename(object, requested, suffixOf(requested));
        }
        out.setBody(BufferJson.write(json, object));
        out.removeHeader(Exchange.CONTENT_LENGTH);
    }

    /** @return whether the list changed */
    private boolean list(ObjectNode body) {
        JsonNode models = body.get("models");
        if (!(models instanceof ArrayNode array)) {
            return false;
        }
        ModelAliases a = aliases.get();
        ArrayNode kept = json.createArrayNode();
        ArrayNode derived = json.createArrayNode();
        for (JsonNode m : array) {
            String id = id(m);
            if (id != null && a.filtered(id)) {
                continue;
            }
            kept.add(m);
            if (id != null && m instanceof ObjectNode entry) {
                derive(derived, entry, id, a.searchModels(), "-search", " with Google Search");
                derive(derived, entry, id, a.imageModels(), "-image", " with image output");
                derive(derived, entry, id, a.thinkingModels(), "-non-thinking", " without thinking");
            }
        }
        if (kept.size() == array.size() && derived.isEmpty()) {
            return false;
        }
        kept.addAll(derived);
        body.set("models", kept);
        return true;
    }

    private static void derive(ArrayNode derived, ObjectNode base, String id, List<String> bases, String suffix,
                               String label) {
        if (bases.contains(id)) {
            ObjectNode copy = base.deepCopy();
            rename(copy, id + suffix, label);
            derived.add(copy);
        }
    }

    private static void rename(ObjectNode entry, String id, String label) {
        entry.put("name", "models/" + id);
        JsonNode display = entry.get("displayName");
        if (display != null && display.isTextual() && label != null) {
            entry.put("displayName", display.asText() + label);
        }
    }

    private static String suffixOf(String requested) {
        if (requested.endsWith("-search")) {
            return " with Google Search";
        }
        if (requested.endsWith("-image")) {
            return " with image output";
        }
        return requested.endsWith("-non-thinking") ? " without thinking" : null;
    }

    private static String id(JsonNode model) {
        JsonNode name = model.get("name");
        if (name == null || !name.isTextual()) {
            return null;
        }
        String n = name.asText();
        return n.startsWith("models/") ? n.substring("models/".length()) : n;
    }
}
