package dev.caravan.dialect.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a derived model id adds to a Gemini request body that a client wrote itself (the Gemini-native surface): the
 * same effects the OpenAI translation gives {@code -search} (Google Search), {@code -image} (text and image output)
 * and {@code -non-thinking} (the lowest thinking budget the model takes), each only where the client did not say
 * otherwise. Stateless; thread-safe.
 */
public final class AliasFeatures {

    private AliasFeatures() {
    }

    /**
     * @param body  a {@code generateContent} body, changed in place
     * @return whether the body changed
     */
    public static boolean apply(ObjectNode body, ModelAlias alias) {
        switch (alias.feature()) {
            case SEARCH -> {
                JsonNode tools = body.get("tools");
                if (tools != null && !tools.isArray()) {
                    return false;
                }
                ArrayNode array = tools == null ? body.putArray("tools") : (ArrayNode) tools;
                for (JsonNode t : array) {
                    if (t.has("googleSearch") || t.has("google_search")) {
                        return false;
                    }
                }
                array.addObject().putObject("googleSearch");
                return true;
            }
            case IMAGE -> {
                ObjectNode config = generationConfig(body);
                if (config == null || config.has("responseModalities") || config.has("response_modalities")) {
                    return false;
                }
                config.putArray("responseModalities").add("TEXT").add("IMAGE");
                return true;
            }
            case NON_THINKING -> {
                ObjectNode config = generationConfig(body);
                if (config == null || config.has("thinkingConfig") || config.has("thinking_config")) {
                    return false;
                }
                config.putObject("thinkingConfig").put("thinkingBudget", ThinkingConfigs.lowestBudget(alias.model()));
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /** The body's generation config (created when absent), or null when it is not an object. */
    private static ObjectNode generationConfig(ObjectNode body) {
        String name = body.has("generation_config") ? "generation_config" : "generationConfig";
        JsonNode config = body.get(name);
        if (config == null) {
            return body.putObject(name);
        }
        return config.isObject() ? (ObjectNode) config : null;
    }
}
