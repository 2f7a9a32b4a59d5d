package dev.caravan.dialect.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.http.CompactJsonNodes;

/**
 * Builds Gemini's {@code generationConfig} from the sampling fields the client actually sent, never inventing a
 * default: {@code temperature}, {@code top_p}, {@code top_k}, {@code max_completion_tokens}/{@code max_tokens},
 * {@code stop}, {@code n}, {@code seed}, the two penalties, {@code response_format}, {@code reasoning_effort}, and
 * image output for {@code -image} models. A field sent as JSON null counts as not sent. Thread-safe.
 */
final class GenerationConfigTranslator {

    private static final JsonNodeFactory NODES = CompactJsonNodes.INSTANCE;

    private final JsonSchemaCleaner schemas;
    private final ThinkingConfigs thinking;

    GenerationConfigTranslator(JsonSchemaCleaner schemas, ThinkingConfigs thinking) {
        this.schemas = schemas;
        this.thinking = thinking;
    }

    /** The generation config, or null when the client sent nothing that needs one. */
    ObjectNode generationConfig(JsonNode request, ModelAlias alias) {
        ObjectNode out = NODES.objectNode();
        number(request, "temperature", out, "temperature");
        number(request, "top_p", out, "topP");
        integer(request, "top_k", out, "topK");
        integer(request, request.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens",
                out, "maxOutputTokens");
        stop(Json.field(request, "stop"), out);
        integer(request, "n", out, "candidateCount");
        integer(request, "seed", out, "seed");
        number(request, "presence_penalty", out, "presencePenalty");
        number(request, "frequency_penalty", out, "frequencyPenalty");
        responseFormat(Json.field(request, "response_format"), out);
        if (alias.is(ModelAlias.Feature.IMAGE)) {
            out.putArray("responseModalities").add("TEXT").add("IMAGE");
        }
        ObjectNode thinkingConfig = thinking.thinkingConfig(
                Json.text(request, "reasoning_effort", "reasoning_effort"), alias);
        if (thinkingConfig != null) {
            out.set("thinkingConfig", thinkingConfig);
        }
        return out.isEmpty() ? null : out;
    }

    private static void number(JsonNode request, String field, ObjectNode out, String geminiField) {
        JsonNode v = Json.field(request, field);
        if (v == null) {
            return;
        }
        if (!v.isNumber()) {
            throw new InvalidOpenAiRequest(field + " must be a number", field);
        }
        out.set(geminiField, v);
    }

    private static void integer(JsonNode request, String field, ObjectNode out, String geminiField) {
        JsonNode v = Json.field(request, field);
        if (v == null) {
            return;
        }
        if (!v.isNumber() || v.asDouble() != Math.rint(v.asDouble()) || !v.canConvertToLong()) {
            throw new InvalidOpenAiRequest(field + " must be a whole number", field);
        }
        out.put(geminiField, v.asLong());
    }

    private static void stop(JsonNode stop, ObjectNode out) {
        if (stop == null) {
            return;
        }
        ArrayNode sequences = NODES.arrayNode();
        if (stop.isTextual()) {
            sequences.add(stop);
        } else if (stop.isArray()) {
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw new InvalidOpenAiRequest("stop must be a string or an array of strings", "stop");
                }
                sequences.add(s);
            }
        } else {
            throw new InvalidOpenAiRequest("stop must be a string or an array of strings", "stop");
        }
        if (!sequences.isEmpty()) {
            out.set("stopSequences", sequences);
        }
    }

    private void responseFormat(JsonNode format, ObjectNode out) {
        if (format == null) {
            return;
        }
        String type = Json.requiredText(format, "type", "response_format.type");
        switch (type) {
            case "text" -> { }
            case "json_object" -> out.put("responseMimeType", "application/json");
            case "json_schema" -> {
                JsonNode schema = Json.field(Json.field(format, "json_schema"), "schema");
                if (schema == null) {
                    throw new InvalidOpenAiRequest("response_format.json_schema.schema is required",
                            "response_format.json_schema.schema");
                }
                out.put("responseMimeType", "application/json");
                out.set("responseJsonSchema", schemas.clean(schema, "response_format.json_schema.schema"));
            }
            default -> throw new InvalidOpenAiRequest("response_format.type '" + type
                    + "' is not one of text, json_object, json_schema", "response_format.type");
        }
    }
}
