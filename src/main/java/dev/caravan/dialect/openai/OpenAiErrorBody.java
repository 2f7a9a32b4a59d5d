package dev.caravan.dialect.openai;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * OpenAI's error envelope {@code {"error":{"message","type","param","code"}}} as text, with the {@code type}
 * OpenAI uses for each HTTP status. Stateless; thread-safe.
 */
public final class OpenAiErrorBody {

    private OpenAiErrorBody() {
    }

    public static String json(int status, String message) {
        return json(status, message, null);
    }

    /** @param param the offending request field, or null */
    public static String json(int status, String message, String param) {
        return json(status, message, param, code(status));
    }

    /** @param code OpenAI's error code where it is more precise than the status's, e.g. {@code model_not_found} */
    static String json(int status, String message, String param, String code) {
        return "{\"error\":{\"message\":" + quote(message) + ",\"type\":\"" + type(status) + "\",\"param\":"
                + (param == null ? "null" : quote(param)) + ",\"code\":\"" + code + "\"}}";
    }

    /** OpenAI's error codes are strings; SDKs read them as such. */
    static String code(int status) {
        return switch (status) {
            case 401 -> "invalid_api_key";
            case 403 -> "permission_denied";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_exceeded";
            case 502, 503 -> "upstream_unavailable";
            case 504 -> "upstream_timeout";
            default -> status >= 500 ? "server_error" : "invalid_request";
        };
    }

    /** OpenAI's error type for an HTTP status. */
    public static String type(int status) {
        return switch (status) {
            case 400, 404, 405, 413, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    private static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s == null ? "" : s)) + "\"";
    }
}
