package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.caravan.support.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DESIGN §2 and §3: with no API keys configured the gateway still starts and answers API calls with a clear 503. */
class AnswersWithoutAnyKeyTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys();

    @Test
    void answers503ForGenerateContentWithoutCallingGoogle() throws Exception {
        HttpResponse<String> res = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi"));

        assertThat(gateway.pool().size()).isZero();
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.headers().firstValue("retry-after")).isEmpty();
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(res.body()).startsWith("{\"error\":{\"code\":503,\"message\":\"")
                .endsWith("\",\"status\":\"UNAVAILABLE\"}}")
                .containsIgnoringCase("key");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void answers503ForListingModelsWithoutCallingGoogle() throws Exception {
        HttpResponse<String> res = gateway.get("/v1beta/models");

        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.body()).startsWith("{\"error\":{\"code\":503,").contains("\"status\":\"UNAVAILABLE\"");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void stillAuthenticatesFirst() throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(
                        URI.create(gateway.url("/v1beta/models/gemini-2.5-flash:generateContent")))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("hi"))));

        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(gateway.stub().received()).isEmpty();
    }
}
