package dev.caravan.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * README "Change the flow", first example: examples/header-to-google.camel.yaml, copied into the operators' folder,
 * puts its header on every call to Google from every surface and on every attempt, and a client cannot do the same.
 */
class HeaderToGoogleExampleTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("header-key-a", "header-key-b")
            .customRoute(java.nio.file.Path.of("examples/header-to-google.camel.yaml"));

    @Test
    void everyCallToGoogleCarriesTheHeaderOnEveryAttempt() throws Exception {
        // the first key's quota is spent: the second attempt must carry the header too
        gateway.stub().answerFor("header-key-a", r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("7s")));
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("hi")));

        HttpResponse<String> gemini = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi"));
        HttpResponse<String> openai = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + Gateway.TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")));

        assertThat(gemini.statusCode()).isEqualTo(200);
        assertThat(openai.statusCode()).isEqualTo(200);
        assertThat(gateway.stub().received()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(gateway.stub().received()).allSatisfy(r ->
                assertThat(r.header("x-goog-api-client")).isEqualTo("caravan-gateway/1.0"));
        assertThat(gateway.stub().keysSeen()).contains("header-key-a", "header-key-b");
        // the contract's headers stay inside: the client sees none of them
        assertThat(gemini.headers().map().keySet()).noneMatch(h -> h.toLowerCase().startsWith("caravan"));
    }

    @Test
    void aClientCannotSendHeadersToGoogleThroughTheContract() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("hi")));

        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(
                        gateway.url("/v1beta/models/gemini-2.5-flash:generateContent?Caravan-Upstream-X-Evil=q")))
                .header("x-goog-api-key", Gateway.TOKEN).header("content-type", "application/json")
                .header("Caravan-Upstream-X-Evil", "1")
                .header("CaravanUpstreamPath", "/files")
                .header("CaravanKeyAs", "bearer")
                .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("hi"))));

        assertThat(res.statusCode()).isEqualTo(200);
        StubGemini.Received got = gateway.stub().received().get(0);
        assertThat(got.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(got.header("x-evil")).isNull();
        assertThat(got.header("authorization")).isNull();
        assertThat(got.key()).isIn("header-key-a", "header-key-b");
        // the operator's header still goes
        assertThat(got.header("x-goog-api-client")).isEqualTo("caravan-gateway/1.0");
    }
}
