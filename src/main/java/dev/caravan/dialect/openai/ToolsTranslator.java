package dev.caravan.dialect.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.http.CompactJsonNodes;

/**
 * Turns OpenAI {@code tools} into Gemini {@code tools} (function declarations with a cleaned
 * {@code parametersJsonSchema}, plus Google Search for {@code -search} models) and {@code tool_choice} into
 * {@code toolConfig.functionCallingConfig}. Tools of other types than {@code function} are ignored. Thread-safe.
 */
final class ToolsTranslator {

    private static final JsonNodeFactory NODES = CompactJsonNodes.INSTANCE;

    private final JsonSchemaCleaner schemas;

    ToolsTranslator(JsonSchemaCleaner schemas) {
        this.schemas = schemas;
    }

    /** Gemini's {@code tools}, or null when there is nothing to declare. */
    ArrayNode tools(JsonNode tools, boolean googleSearch) {
        ArrayNode declarations = NODES.arrayNode();
        if (tools != null) {
            if (!tools.isArray()) {
                throw new InvalidOpenAiRequest("tools must be an array", "tools");
            }
            for (int i = 0; i < tools.size(); i++) {
                JsonNode tool = tools.get(i);
                String type = Json.text(tool, "type", "tools[" + i + "].type");
                if (type == null || type.equals("function")) {
                    declarations.add(declaration(Json.field(tool, "function"), "tools[" + i + "].function"));
                }
            }
        }
        ArrayNode out = NODES.arrayNode();
        if (!declarations.isEmpty()) {
            out.addObject().set("functionDeclarations", declarations);
        }
        if (googleSearch) {
            out.addObject().putObject("googleSearch");
        }
        return out.isEmpty() ? null : out;
    }

    private ObjectNode declaration(JsonNode function, String path) {
        if (function == null || !function.isObject()) {
            throw new InvalidOpenAiRequest(path + " is required for a function tool", path);
        }
        ObjectNode out = NODES.objectNode().put("name", Json.requiredText(function, "name", path + ".name"));
        String description = Json.text(function, "description", path + ".description");
        if (description != null) {
            out.put("description", description);
        }
        JsonNode parameters = Json.field(function, "parameters");
        if (parameters != null) {
            out.set("parametersJsonSchema", schemas.clean(parameters, path + ".parameters"));
        }
        return out;
    }

    /** Gemini's {@code toolConfig}, or null when the client gave no {@code tool_choice} Gemini can express. */
    ObjectNode toolConfig(JsonNode choice) {
        if (choice == null) {
            return null;
        }
        ObjectNode calling = NODES.objectNode();
        if (choice.isTextual()) {
            calling.put("mode", mode(choice.asText()));
        } else if (choice.isObject() && "function".equals(Json.text(choice, "type", "tool_choice.type"))) {
            String name = Json.requiredText(Json.field(choice, "function"), "name", "tool_choice.function.name");
            calling.put("mode", "ANY").putArray("allowedFunctionNames").add(name);
        } else {
            // newer forms (allowed_tools, custom) have no Gemini counterpart: as if not sent
            return null;
        }
        ObjectNode config = NODES.objectNode();
        config.set("functionCallingConfig", calling);
        return config;
    }

    private static String mode(String choice) {
        return switch (choice) {
            case "none" -> "NONE";
            case "auto" -> "AUTO";
            case "required" -> "ANY";
            default -> throw new InvalidOpenAiRequest(
                    "tool_choice '" + choice + "' is not one of none, auto, required", "tool_choice");
        };
    }
}
