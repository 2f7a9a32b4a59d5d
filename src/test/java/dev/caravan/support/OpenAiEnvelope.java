package dev.caravan.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Assertions on OpenAI's error envelope {@code {"error":{"message","type","param","code"}}} as an OpenAI client reads it. */
public final class OpenAiEnvelope {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenAiEnvelope() {
    }

    /**
     * Asserts that {@code res} is a JSON answer with HTTP status {@code status} whose body is only OpenAI's envelope
     * with that {@code type} and a message, and returns the {@code error} object.
     */
    public static JsonNode assertOpenAiError(HttpResponse<String> res, int status, String type) throws Exception {
        String seen = res.statusCode() + " " + res.headers().map() + " " + res.body();
        assertThat(res.statusCode()).as("HTTP status of %s", seen).isEqualTo(status);
        assertThat(res.headers().firstValue("content-type")).as("content type of %s", seen)
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        return assertOpenAiError(res.body(), type);
    }

    /** Asserts that {@code body} is only OpenAI's envelope with that {@code type}, and returns the error object. */
    public static JsonNode assertOpenAiError(String body, String type) throws Exception {
        JsonNode root = JSON.readTree(body);
        assertThat(root.isObject()).as("an object: %s", body).isTrue();
        assertThat(root.size()).as("only \"error\" at the top: %s", body).isEqualTo(1);
        JsonNode error = root.path("error");
        assertThat(error.path("type").asText()).as("error.type of %s", body).isEqualTo(type);
        assertThat(error.path("message").isTextual()).as("error.message: %s", body).isTrue();
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.has("param")).as("error.param: %s", body).isTrue();
        assertThat(error.path("code").isTextual() || error.path("code").isNull()).as("error.code: %s", body).isTrue();
        return error;
    }
}
