package dev.caravan.dialect.openai;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.errors.ClientError;
import dev.caravan.http.CompactJsonNodes;

/**
 * Translates OpenAI {@code /v1/embeddings} to Gemini {@code batchEmbedContents} and back: one Gemini request per
 * input string, in order; {@code dimensions} becomes {@code outputDimensionality}; {@code encoding_format: base64}
 * gives each vector as base64 of little-endian float32, as OpenAI does. Token-array inputs are refused: Gemini
 * takes text only. Gemini reports no token counts here, so usage is zero. Stateless; thread-safe.
 */
public final class OpenAiEmbeddings {

    private static final JsonNodeFactory NODES = CompactJsonNodes.INSTANCE;

    public GeminiEmbedRequest toGemini(JsonNode request) {
        if (request == null || !request.isObject()) {
            throw new InvalidOpenAiRequest("The request body must be a JSON object");
        }
        String requested = Json.requiredText(request, "model", "model");
        String model = ModelParam.id(requested);
        boolean base64 = base64(Json.text(request, "encoding_format", "encoding_format"));
        Integer dimensions = dimensions(Json.field(request, "dimensions"));
        ObjectNode body = NODES.objectNode();
        ArrayNode requests = body.putArray("requests");
        for (String text : inputs(Json.field(request, "input"))) {
            ObjectNode r = requests.addObject().put("model", "models/" + model);
            r.putObject("content").putArray("parts").addObject().put("text", text);
            if (dimensions != null) {
                r.put("outputDimensionality", dimensions);
            }
        }
        return new GeminiEmbedRequest(requested, model, base64, body);
    }

    /** @param response Gemini's {@code {"embeddings":[{"values":[...]}]}} */
    public ObjectNode toOpenAi(JsonNode response, GeminiEmbedRequest request) {
        ObjectNode out = NODES.objectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        JsonNode embeddings = Json.field(response, "embeddings");
        int asked = request.body().path("requests").size();
        if (embeddings == null || !embeddings.isArray() || embeddings.size() != asked) {
            // OpenAI's clients pair data[i] with input[i]: a short answer would pair them wrongly without a word
            throw new ClientError(502, "UNAVAILABLE", "Google answered " + (embeddings == null ? 0 : embeddings.size())
                    + " embedding(s) for " + asked + " input(s)");
        }
        for (int i = 0; i < embeddings.size(); i++) {
            JsonNode values = embeddings.get(i).path("values");
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            if (request.base64()) {
                item.put("embedding", littleEndianFloats(values));
            } else {
                item.set("embedding", values.deepCopy());
            }
        }
        out.put("model", request.requestedModel());
        // Google's embeddings answers carry no token count today; one that does (usageMetadata, as its other answers
        // have) is reported
        long tokens = Math.max(0, response.path("usageMetadata").path("promptTokenCount").asLong(0));
        out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return out;
    }

    private static String[] inputs(JsonNode input) {
        if (input == null) {
            throw new InvalidOpenAiRequest("input is required", "input");
        }
        if (input.isTextual()) {
            return new String[] {input.asText()};
        }
        if (!input.isArray() || input.isEmpty()) {
            throw new InvalidOpenAiRequest("input must be a string or a non-empty array of strings", "input");
        }
        String[] texts = new String[input.size()];
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (item.isNumber() || item.isArray()) {
                throw new InvalidOpenAiRequest("input as token arrays is not supported by Gemini; send text",
                        "input");
            }
            if (!item.isTextual()) {
                throw new InvalidOpenAiRequest("input[" + i + "] must be a string", "input");
            }
            texts[i] = item.asText();
        }
        return texts;
    }

    private static boolean base64(String format) {
        if (format == null || format.equals("float")) {
            return false;
        }
        if (format.equals("base64")) {
            return true;
        }
        throw new InvalidOpenAiRequest("encoding_format '" + format + "' is not one of float, base64",
                "encoding_format");
    }

    private static Integer dimensions(JsonNode dimensions) {
        if (dimensions == null) {
            return null;
        }
        if (!dimensions.isIntegralNumber() || dimensions.asLong() < 1 || dimensions.asLong() > 100_000) {
            throw new InvalidOpenAiRequest("dimensions must be a positive whole number", "dimensions");
        }
        return dimensions.asInt();
    }

    private static String littleEndianFloats(JsonNode values) {
        ByteBuffer buf = ByteBuffer.allocate(values.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode v : values) {
            buf.putFloat((float) v.asDouble());
        }
        return Base64.getEncoder().encodeToString(buf.array());
    }
}
