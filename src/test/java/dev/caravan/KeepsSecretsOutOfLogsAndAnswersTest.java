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
import dev.caravan.support.Rows;
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
            // Google naming the key in a message of its own, passed on to the client (both surfaces)
            gateway.pool().reset(gateway.key(KEY_A));
            gateway.pool().reset(gateway.key(KEY_B));
            gateway.stub().answer(r -> new StubGemini.Json(400, """
                    {"error": {"code": 400, "message": "API key %s cannot use this request (nor %s).", "status": "INVALID_ARGUMENT"}}
                    """.formatted(r.key(), "AIza" + "SyOtherKey0123456789abcdefghijklmno")));
            HttpResponse<String> named = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("g"));
            assertThat(named.statusCode()).isEqualTo(400);
            assertThat(named.body()).contains("cannot use this request").doesNotContain("SyOtherKey");
            seen.add(answer(named));
            seen.add(answer(gateway.post("/v1/chat/completions",
                    "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"h\"}]}")));

            seen.addAll(logs.lines());
        }

        assertThat(gateway.stub().received()).isNotEmpty();
        assertThat(seen).hasSizeGreaterThan(8);
        for (String text : seen) {
            assertThat(text).doesNotContain(KEY_A, KEY_B, Gateway.TOKEN, Gateway.ADMIN_TOKEN, WRONG);
        }
    }

    @Test
    void keysInPathsReachNoRowAndNoAnswer() throws Exception {
        // gemini-balance's own clients put keys in paths (/verify-key/<key>); a client may name one as a model
        String shaped = "AIza" + "SyPathKey0123456789abcdefghijklmnopq";
        List<String> seen = new ArrayList<>();
        try (LogCapture logs = LogCapture.everything()) {
            HttpResponse<String> verify = gateway.send(HttpRequest.newBuilder(URI.create(
                    gateway.url("/gemini/v1beta/verify-key/" + shaped))).POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(verify.statusCode()).isEqualTo(404);
            seen.add(answer(verify));
            gateway.stub().answer(r -> new StubGemini.Json(404, GoogleBodies.notFound()));
            seen.add(answer(gateway.get("/v1beta/models/" + shaped)));
            seen.add(answer(gateway.post("/v1beta/models/" + shaped + ":generateContent", Gateway.prompt("i"))));
            seen.addAll(logs.lines());
        }
        // the authenticated requests' rows are written (an unauthenticated one may be sampled into a summary)
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                Rows.everything(gateway::openDatabase).contains("/v1beta/models/[REDACTED]:generateContent"));
        seen.add(Rows.everything(gateway::openDatabase));
        for (String text : seen) {
            assertThat(text).doesNotContain(shaped);
        }
    }

    private static String answer(HttpResponse<String> res) {
        return res.statusCode() + " " + res.headers().map() + " " + res.body();
    }
}
