package dev.caravan.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Assertions on Google's error envelope {@code {"error":{"code","message","status"}}} as a Gemini client reads it. */
public final class GoogleEnvelope {

    private static final ObjectMapper JSON = new ObjectMapper();

    private GoogleEnvelope() {
    }

    /**
     * Asserts that {@code res} is a JSON answer with HTTP status {@code code} whose body is exactly Google's envelope
     * with that code and {@code status}, and returns the message.
     */
    public static String assertGoogleError(HttpResponse<String> res, int code, String status) throws Exception {
        String seen = res.statusCode() + " " + res.headers().map() + " " + res.body();
        assertThat(res.statusCode()).as("HTTP status of %s", seen).isEqualTo(code);
        assertThat(res.headers().firstValue("content-type")).as("content type of %s", seen)
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode root = JSON.readTree(res.body());
        assertThat(root.isObject()).as("an object: %s", res.body()).isTrue();
        assertThat(root.size()).as("only \"error\" at the top: %s", res.body()).isEqualTo(1);
        JsonNode error = root.path("error");
        assertThat(error.path("code").isInt()).as("error.code is a number: %s", res.body()).isTrue();
        assertThat(error.path("code").asInt()).isEqualTo(code);
        assertThat(error.path("status").asText()).isEqualTo(status);
        assertThat(error.path("message").isTextual()).as("error.message: %s", res.body()).isTrue();
        assertThat(error.path("message").asText()).isNotBlank();
        return error.path("message").asText();
    }
}
