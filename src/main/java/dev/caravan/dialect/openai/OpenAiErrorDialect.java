package dev.caravan.dialect.openai;

import dev.caravan.errors.ClientError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.dialect.ErrorDialect;

/**
 * OpenAI's error envelope for the OpenAI-compatible surface; Google's errors keep their message and status code
 * but take OpenAI's shape and type, so OpenAI's SDKs raise the exception a caller expects. Thread-safe.
 */
public final class OpenAiErrorDialect implements ErrorDialect {

    private final ObjectMapper json;

    public OpenAiErrorDialect(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public String render(int httpStatus, String googleStatus, String message) {
        return OpenAiErrorBody.json(httpStatus, message);
    }

    @Override
    public String render(ClientError refusal) {
        return OpenAiErrorBody.json(refusal.httpStatus(), refusal.getMessage(), refusal.param());
    }

    @Override
    public String fromGoogle(int httpStatus, byte[] googleBody) {
        String message = null;
        String status = null;
        try {
            JsonNode root = json.readTree(googleBody);
            if (root != null && root.isArray()) {
                root = root.path(0);
            }
            if (root != null) {
                message = root.path("error").path("message").asText(null);
                status = root.path("error").path("status").asText(null);
            }
        } catch (Exception notJson) {
            // Google answered something that is not its envelope: say so plainly below
        }
        String text = message != null ? message : "Google answered HTTP " + httpStatus;
        if (httpStatus == 404 && "NOT_FOUND".equals(status) && message != null && message.startsWith("models/")) {
            // Google has no such model: OpenAI's code for it, which clients switch on
            return OpenAiErrorBody.json(httpStatus, text, null, "model_not_found");
        }
        return OpenAiErrorBody.json(httpStatus, text);
    }
}
