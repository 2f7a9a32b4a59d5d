package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.LogCapture;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Drives the gateway through its failure paths and proves that no pool key and no client token shows up in a
 * log line, a response body or a response header.
 */
class KeepsSecretsOutOfLogsAndAnswersTest {

    private static final String KEY_A = "pool-secret-key-aaaa-0001";
    private static final String KEY_B = "pool-secret-key-bbbb-0002";
    private static final String WRONG = "wrong-client-token-zzzz";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(KEY_A, KEY_B).set("caravan.time-out", "1");

    @Test
    void neverLogsOrAnswersWithAKeyOrATokenOnAnyPath() throws Exception {
        List<String> seen = new ArrayList<>();
        try (LogCapture logs = LogCapture.everything()) {
            // success with the token in the query string
            seen.add(answer(gateway.send(HttpRequest.newBuilder(URI.create(
                    gateway.url("/v1beta/models/gemini-2.5-flash:generateContent?key=" + Gateway.TOKEN)))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("a"))))));
            // a wrong token, in each place a client may put it
            seen.add(answer(gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1beta/models?key=" + WRONG))).GET())));
            seen.add(answer(gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1beta/models")))
                    .header("Authorization", "Bearer " + WRONG).GET())));
            // quota on one key, an invalid key, Google failing, a timeout
            gateway.stub().answerFor(KEY_A, r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("2s")));
            seen.add(answer(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("b"))));
            gateway.stub().answerFor(KEY_B, r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
            seen.add(answer(gateway.post("/v1beta/models/gemini-2.5-pro:generateContent", Gateway.prompt("c"))));
            gateway.pool().reset(gateway.key(KEY_A));
            gateway.pool().reset(gateway.key(KEY_B));
            gateway.stub().reset();
            gateway.stub().answer(r -> new StubGemini.Json(500, GoogleBodies.internal()));
            seen.add(answer(gateway.post("/v1beta/models/gemini-2.0-flash:generateContent", Gateway.prompt("d"))));
            gateway.stub().answer(r -> new StubGemini.Hang());
            seen.add(answer(gateway.post("/v1beta/models/gemini-2.0-flash-lite:generateContent", Gateway.prompt("e"))));
            // a stream that breaks after its first event
            gateway.pool().reset(gateway.key(KEY_A));
            gateway.pool().reset(gateway.key(KEY_B));
            gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", List.of(GoogleBodies.sseEvent("x")),
                    Duration.ZERO, true));
            HttpResponse<InputStream> stream = gateway.http().send(HttpRequest.newBuilder(URI.create(
                    gateway.url("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")))
                    .header("x-goog-api-key", Gateway.TOKEN).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("f"))).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = stream.body()) {
                seen.add(stream.headers().map() + new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            // malformed input
            seen.add(answer(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", "{not json")));

            seen.addAll(logs.lines());
        }

        assertThat(gateway.stub().received()).isNotEmpty();
        assertThat(seen).hasSizeGreaterThan(8);
        for (String text : seen) {
            assertThat(text).doesNotContain(KEY_A, KEY_B, Gateway.TOKEN, Gateway.ADMIN_TOKEN, WRONG);
        }
    }

    private static String answer(HttpResponse<String> res) {
        return res.statusCode() + " " + res.headers().map() + " " + res.body();
    }
}
