package dev.caravan.dialect.openai;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.http.CompactJsonNodes;

/**
 * Turns Google's model list into OpenAI's {@code /v1/models} answer: ids without {@code models/}, minus
 * {@code FILTERED_MODELS}, plus the derived {@code <m>-search}, {@code <m>-image} and {@code <m>-non-thinking} ids
 * for configured models that Google listed (ask Google with {@code pageSize=1000} so the list is whole).
 * Thread-safe.
 */
public final class OpenAiModels {

    private final java.util.function.Supplier<ModelAliases> aliases;
    private final Clock clock;

    public OpenAiModels(ModelAliases aliases, Clock clock) {
        this(() -> aliases, clock);
    }

    /** @param aliases read at each use, so an operator's new model lists apply at once */
    public OpenAiModels(java.util.function.Supplier<ModelAliases> aliases, Clock clock) {
        this.aliases = aliases;
        this.clock = clock;
    }

    /** @param google Google's {@code GET /models} body, {@code {"models":[{"name":"models/..."}]}} */
    /**
     * One model for {@code GET /v1/models/{id}}, as the client named it (an alias keeps its own id), from
     * Google's answer about its base model; null when the model is filtered.
     */
    public ObjectNode one(String requestedId) {
        ModelAliases a = aliases.get();
        String base = a.resolve(requestedId).model();
        if (a.filtered(base)) {
            return null;
        }
        return CompactJsonNodes.INSTANCE.objectNode().put("id", requestedId).put("object", "model")
                .put("created", clock.instant().getEpochSecond()).put("owned_by", "google");
    }

    /** The Gemini model an id asks Google about (an alias's base). */
    public String base(String requestedId) {
        return aliases.get().resolve(requestedId).model();
    }

    /** The model ids of Google's {@code GET /models} body, without {@code models/}, in its order. */
    public Set<String> listed(JsonNode google) {
        Set<String> listed = new LinkedHashSet<>();
        JsonNode models = Json.field(google, "models");
        if (models != null) {
            for (JsonNode m : models) {
                String name = Json.nestedText(m, "name");
                if (name != null) {
                    listed.add(name.startsWith("models/") ? name.substring("models/".length()) : name);
                }
            }
        }
        return listed;
    }

    public ObjectNode toOpenAi(JsonNode google) {
        Set<String> listed = listed(google);
        ModelAliases aliases = this.aliases.get();
        Set<String> ids = new LinkedHashSet<>();
        for (String id : listed) {
            if (!aliases.filtered(id)) {
                ids.add(id);
            }
        }
        derive(ids, listed, aliases.searchModels(), ModelAliases.SEARCH);
        derive(ids, listed, aliases.imageModels(), ModelAliases.IMAGE);
        derive(ids, listed, aliases.thinkingModels(), ModelAliases.NON_THINKING);
        if (aliases.createImageModel() != null) {
            // gemini-balance lists its image chat model whether or not Google lists the image model
            ids.add(aliases.createImageModel() + ModelAliases.CHAT);
        }
        ObjectNode out = CompactJsonNodes.INSTANCE.objectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        long created = clock.instant().getEpochSecond();
        for (String id : ids) {
            data.addObject().put("id", id).put("object", "model").put("created", created).put("owned_by", "google");
        }
        return out;
    }

    private static void derive(Set<String> ids, Set<String> listed, List<String> bases, String suffix) {
        for (String base : bases) {
            if (listed.contains(base)) {
                ids.add(base + suffix);
            }
        }
    }
}
