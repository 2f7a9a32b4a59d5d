package dev.caravan.dialect.openai;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.http.CompactJsonNodes;

/**
 * Turns OpenAI {@code messages} into Gemini {@code systemInstruction} and {@code contents}: system and developer
 * messages become system parts in their order; user and assistant messages become {@code user} and {@code model}
 * turns one for one (never merged, a trailing assistant stays a {@code model} turn); assistant tool calls become
 * {@code functionCall} parts with their thought signature restored; tool results become {@code functionResponse}
 * parts. Consecutive tool results are the one exception to "never merged": Gemini requires all the responses to one
 * function-call turn in one content. Thread-safe.
 */
final class MessagesTranslator {

    /** Google's documented placeholder for a Gemini 3 function call whose signature was lost. */
    static final String SKIP_SIGNATURE = "skip_thought_signature_validator";

    private static final JsonNodeFactory NODES = CompactJsonNodes.INSTANCE;

    private final ObjectMapper json;
    private final ContentParts parts;
    private final ThoughtSignatures signatures;

    MessagesTranslator(ObjectMapper json, ContentParts parts, ThoughtSignatures signatures) {
        this.json = json;
        this.parts = parts;
        this.signatures = signatures;
    }

    /** The translated conversation; {@code systemInstruction} is null when there was no system message. */
    record Conversation(ObjectNode systemInstruction, ArrayNode contents) {
    }

    Conversation translate(JsonNode messages, String model) {
        if (messages == null || !messages.isArray()) {
            throw new InvalidOpenAiRequest("messages is required and must be an array", "messages");
        }
        if (messages.isEmpty()) {
            throw new InvalidOpenAiRequest("messages must not be empty", "messages");
        }
        parts.requireFetchableImageCount(messages);
        Turns turns = new Turns(model);
        for (int i = 0; i < messages.size(); i++) {
            turns.add(messages.get(i), "messages[" + i + "]");
        }
        if (turns.contents.isEmpty()) {
            throw new InvalidOpenAiRequest("messages needs at least one user or assistant message", "messages");
        }
        ObjectNode system = null;
        if (!turns.system.isEmpty()) {
            system = NODES.objectNode();
            system.set("parts", turns.system);
        }
        return new Conversation(system, turns.contents);
    }

    /** The state of one translation: what was built so far and which tool call had which name. */
    private final class Turns {
        private final String model;
        private final ArrayNode system = NODES.arrayNode();
        private final ArrayNode contents = NODES.arrayNode();
        private final Map<String, String> toolNames = new HashMap<>();
        private ArrayNode openToolResults;

        Turns(String model) {
            this.model = model;
        }

        void add(JsonNode message, String path) {
            if (!message.isObject()) {
                throw new InvalidOpenAiRequest(path + " must be an object", path);
            }
            String role = Json.requiredText(message, "role", path + ".role");
            JsonNode content = Json.field(message, "content");
            switch (role) {
                case "system", "developer" -> system.addAll(parts.textParts(content, path + ".content"));
                case "user" -> turn("user", userParts(content, path + ".content"));
                case "assistant" -> assistant(message, path);
                case "tool" -> toolResult(message, toolName(message, path), path);
                case "function" -> toolResult(message, Json.requiredText(message, "name", path + ".name"), path);
                default -> throw new InvalidOpenAiRequest(path + ".role '" + role
                        + "' is not one of system, developer, user, assistant, tool", path + ".role");
            }
        }

        private ArrayNode userParts(JsonNode content, String path) {
            ArrayNode out = parts.userParts(content, path);
            if (out.isEmpty()) {
                throw new InvalidOpenAiRequest(path + " is required for a user message", path);
            }
            return out;
        }

        private void turn(String role, ArrayNode turnParts) {
            ObjectNode content = contents.addObject().put("role", role);
            content.set("parts", turnParts);
            openToolResults = null;
        }

        private void assistant(JsonNode message, String path) {
            JsonNode calls = Json.field(message, "tool_calls");
            JsonNode legacyCall = Json.field(message, "function_call");
            ArrayNode out = parts.textParts(Json.field(message, "content"), path + ".content");
            if (calls != null || legacyCall != null) {
                // an empty text beside tool calls is only the client's placeholder
                out.removeIf(p -> p.get("text").asText().isEmpty());
            }
            if (calls != null) {
                toolCalls(calls, out, path + ".tool_calls");
            }
            if (legacyCall != null) {
                out.add(functionCall(legacyCall, null, out, path + ".function_call"));
            }
            if (!out.isEmpty()) {
                turn("model", out);
            }
        }

        private void toolCalls(JsonNode calls, ArrayNode out, String path) {
            if (!calls.isArray()) {
                throw new InvalidOpenAiRequest(path + " must be an array", path);
            }
            for (int i = 0; i < calls.size(); i++) {
                JsonNode call = calls.get(i);
                String callPath = path + "[" + i + "]";
                String id = Json.text(call, "id", callPath + ".id");
                ObjectNode part = functionCall(Json.field(call, "function"), call, out, callPath + ".function");
                if (id != null) {
                    toolNames.put(id, part.get("functionCall").get("name").asText());
                }
                out.add(part);
            }
        }

        /** A functionCall part; {@code call} is the whole tool call (for id and extra_content), or null. */
        private ObjectNode functionCall(JsonNode function, JsonNode call, ArrayNode before, String path) {
            String name = Json.requiredText(function, "name", path + ".name");
            ObjectNode part = NODES.objectNode();
            ObjectNode fc = part.putObject("functionCall").put("name", name);
            fc.set("args", arguments(Json.field(function, "arguments"), path + ".arguments"));
            String signature = signature(call, before);
            if (signature != null) {
                part.put("thoughtSignature", signature);
            }
            return part;
        }

        /**
         * The call's signature: the one the client carried back, else the one remembered for its id; the first call
         * of a Gemini 3 turn that has neither gets Google's placeholder so the turn is still accepted.
         */
        private String signature(JsonNode call, ArrayNode before) {
            String carried = Json.nestedText(call, "extra_content", "google", "thought_signature");
            if (carried != null) {
                return carried;
            }
            String remembered = signatures.recall(Json.nestedText(call, "id"));
            if (remembered != null) {
                return remembered;
            }
            return model.startsWith("gemini-3") && !hasFunctionCall(before) ? SKIP_SIGNATURE : null;
        }

        private static boolean hasFunctionCall(ArrayNode turnParts) {
            for (JsonNode p : turnParts) {
                if (p.has("functionCall")) {
                    return true;
                }
            }
            return false;
        }

        private JsonNode arguments(JsonNode arguments, String path) {
            if (arguments == null) {
                return NODES.objectNode();
            }
            if (arguments.isObject()) {
                return arguments.deepCopy();
            }
            if (!arguments.isTextual()) {
                throw new InvalidOpenAiRequest(path + " must be a JSON string", path);
            }
            if (arguments.asText().isBlank()) {
                return NODES.objectNode();
            }
            JsonNode parsed;
            try {
                parsed = json.readTree(arguments.asText());
            } catch (JsonProcessingException e) {
                throw new InvalidOpenAiRequest(path + " is not valid JSON", path);
            }
            if (parsed == null || !parsed.isObject()) {
                throw new InvalidOpenAiRequest(path + " must encode a JSON object", path);
            }
            return parsed;
        }

        private String toolName(JsonNode message, String path) {
            String id = Json.requiredText(message, "tool_call_id", path + ".tool_call_id");
            String name = toolNames.get(id);
            if (name == null) {
                name = Json.text(message, "name", path + ".name");
            }
            if (name == null) {
                throw new InvalidOpenAiRequest(path + ".tool_call_id '" + id
                        + "' does not match the id of any earlier assistant tool call", path + ".tool_call_id");
            }
            return name;
        }

        private void toolResult(JsonNode message, String name, String path) {
            ObjectNode part = NODES.objectNode();
            ObjectNode fr = part.putObject("functionResponse").put("name", name);
            fr.set("response", response(parts.plainText(Json.field(message, "content"), path + ".content")));
            if (openToolResults == null) {
                turn("user", NODES.arrayNode());
                openToolResults = (ArrayNode) contents.get(contents.size() - 1).get("parts");
            }
            openToolResults.add(part);
        }

        /** A JSON object result as is; any other text wrapped, because Gemini's response must be an object. */
        private JsonNode response(String text) {
            try {
                JsonNode parsed = json.readTree(text);
                if (parsed != null && parsed.isObject()) {
                    return parsed;
                }
            } catch (JsonProcessingException e) {
                // not JSON: plain text
            }
            return NODES.objectNode().put("content", text);
        }
    }
}
