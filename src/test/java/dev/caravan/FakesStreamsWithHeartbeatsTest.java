package dev.caravan;

import static dev.caravan.support.OpenAiEnvelope.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.AdminClient;
import dev.caravan.support.Arrivals;
import dev.caravan.support.Gateway;
import dev.caravan.support.ImpatientSdks;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.ImpatientClient;
import dev.caravan.support.RawHttp;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * FAKE_STREAM_ENABLED (gemini-balance's fake streaming), on both surfaces: a client's stream is asked of Google as one
 * whole generateContent call; the client gets a heartbeat every FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS while it
 * waits, then the whole answer as its stream (one Gemini event; OpenAI chunks, finish reason and [DONE]). Here the
 * heartbeat comes every second, Google takes about three seconds, and the client gives up after two of silence.
 */
class FakesStreamsWithHeartbeatsTest {

    private static final String SSE_PATH = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
    private static final String ARRAY_PATH = "/v1beta/models/gemini-2.5-flash:streamGenerateContent";
    private static final String CHAT_STREAM = """
            {"model":"gemini-2.5-flash","stream":true,"stream_options":{"include_usage":true},\
            "messages":[{"role":"user","content":"count"}]}""";
    private static final int CLIENT_GIVES_UP_MS = 2_000;
    private static final Duration GOOGLE_THINKS = Duration.ofMillis(3_000);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("fake-key-a", "fake-key-b")
            .set("caravan.fake-stream-enabled", "true")
            .set("caravan.fake-stream-empty-data-interval-seconds", "1");

    @Test
    void geminiSseStreamIsOneWholeCallAndReachesAClientThatGivesUpAfterTwoSeconds() throws Exception {
        String answer = GoogleBodies.generateContent("the whole answer");
        gateway.stub().answer(r -> new StubGemini.Delayed(GOOGLE_THINKS, new StubGemini.Json(200, answer)));
        String body = Gateway.prompt("think hard");

        RawHttp.Answer res = ImpatientClient.post(gateway, SSE_PATH, body, CLIENT_GIVES_UP_MS);

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("content-type")).isEqualTo("text/event-stream");
        // heartbeats (blank lines), then Google's whole answer as the one event of Google's own SSE framing
        assertThat(res.body()).matches("(?s)(\r\n\r\n){2,4}data: \\{[^\r\n]*\\}\r\n\r\n");
        List<String> data = ImpatientClient.sseData(res.body());
        assertThat(data).hasSize(1);
        assertThat(JSON.readTree(data.get(0))).isEqualTo(JSON.readTree(answer));
        StubGemini.Received up = gateway.stub().received().get(0);
        assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(up.query()).isNull();
        assertThat(up.bodyText()).isEqualTo(body);
        assertThat(gateway.stub().received()).hasSize(1);
    }

    @Test
    void openAiStreamIsOneWholeCallAndArrivesAsChunksUsageAndDone() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Delayed(GOOGLE_THINKS,
                new StubGemini.Json(200, GoogleBodies.generateContent("the whole answer"))));

        RawHttp.Answer res = ImpatientClient.post(gateway, "/v1/chat/completions", CHAT_STREAM, CLIENT_GIVES_UP_MS);

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("content-type")).startsWith("text/event-stream");
        assertThat(res.body()).startsWith(": heartbeat\n\n: heartbeat\n\n");
        List<String> data = ImpatientClient.sseData(res.body());
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        List<String> finishReasons = new ArrayList<>();
        boolean usage = false;
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode chunk = JSON.readTree(d);
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            for (JsonNode c : chunk.path("choices")) {
                text.append(c.at("/delta/content").asText(""));
                if (c.hasNonNull("finish_reason")) {
                    finishReasons.add(c.path("finish_reason").asText());
                }
            }
            usage |= chunk.hasNonNull("usage");
        }
        assertThat(text).hasToString("the whole answer");
        assertThat(finishReasons).containsExactly("stop");
        assertThat(usage).as("include_usage asked for a usage chunk").isTrue();
        StubGemini.Received up = gateway.stub().received().get(0);
        assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(up.query()).isNull();
        assertThat(JSON.readTree(up.body()).at("/contents/0/parts/0/text").asText()).isEqualTo("count");
    }

    @Test
    void quickAnswerIsTheStreamWithoutAnyHeartbeat() throws Exception {
        String answer = GoogleBodies.generateContent("quick");
        gateway.stub().answer(r -> new StubGemini.Json(200, answer));

        Arrivals.Streamed res = Arrivals.post(gateway, SSE_PATH, Gateway.prompt("quick"));

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.contentType()).isEqualTo("text/event-stream");
        assertThat(res.text()).startsWith("data: {").endsWith("}\r\n\r\n");
        assertThat(JSON.readTree(res.text().substring("data: ".length()))).isEqualTo(JSON.readTree(answer));
    }

    @Test
    void failureBeforeTheFirstHeartbeatIsAnOrdinaryHttpErrorInEachDialect() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(400, GoogleBodies.badRequest()));

        var gemini = gateway.post(SSE_PATH, Gateway.prompt("wrong"));
        var openAi = gateway.post("/v1/chat/completions", CHAT_STREAM);

        assertThat(gemini.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(gemini.body()).at("/error/status").asText()).isEqualTo("INVALID_ARGUMENT");
        assertOpenAiError(openAi, 400, "invalid_request_error");
    }

    @Test
    void failureOfTheFirstKeyAfterHeartbeatsGoesToTheNextKeyUnseen() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        gateway.stub().answer(r -> calls.getAndIncrement() == 0
                ? new StubGemini.Delayed(Duration.ofMillis(2_500), new StubGemini.Json(429, GoogleBodies.quotaPerMinute("20s")))
                : new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));

        RawHttp.Answer res = ImpatientClient.post(gateway, SSE_PATH, Gateway.prompt("think"), CLIENT_GIVES_UP_MS);

        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates();
        assertThat(res.status()).isEqualTo(200);
        List<String> data = ImpatientClient.sseData(res.body());
        assertThat(data).hasSize(1);
        assertThat(JSON.readTree(data.get(0)).at("/candidates/0/content/parts/0/text").asText())
                .isEqualTo("from " + keys.get(1));
        assertThat(gateway.stub().received()).allSatisfy(r -> assertThat(r.path()).endsWith(":generateContent"));
    }

    @Test
    void everyKeyFailingAfterHeartbeatsEndsEachDialectsStreamWithItsErrorEvent() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Delayed(Duration.ofMillis(1_500),
                new StubGemini.Json(503, GoogleBodies.unavailable())));

        RawHttp.Answer gemini = ImpatientClient.post(gateway, SSE_PATH, Gateway.prompt("think"), CLIENT_GIVES_UP_MS);
        RawHttp.Answer openAi = ImpatientClient.post(gateway, "/v1/chat/completions", CHAT_STREAM, CLIENT_GIVES_UP_MS);

        assertThat(gemini.status()).isEqualTo(200);
        List<String> geminiData = ImpatientClient.sseData(gemini.body());
        assertThat(geminiData).hasSize(1);
        assertThat(JSON.readTree(geminiData.get(0)).at("/error/code").asInt()).isEqualTo(503);
        assertThat(JSON.readTree(geminiData.get(0)).at("/error/status").asText()).isEqualTo("UNAVAILABLE");
        assertThat(openAi.status()).isEqualTo(200);
        List<String> openAiData = ImpatientClient.sseData(openAi.body());
        assertThat(openAiData).hasSize(2);
        assertOpenAiError(openAiData.get(0), "server_error");
        assertThat(openAiData.get(1)).isEqualTo("[DONE]");
        // two keys for each request
        assertThat(gateway.stub().received()).hasSize(4);
    }

    @Test
    void streamedJsonArrayStaysARealStream() throws Exception {
        List<String> chunks = List.of("[" + GoogleBodies.generateContent("real").strip() + "]");
        gateway.stub().answer(r -> new StubGemini.Sse("application/json; charset=UTF-8", chunks, Duration.ZERO, false));

        Arrivals.Streamed res = Arrivals.post(gateway, ARRAY_PATH, Gateway.prompt("array"));

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.text()).isEqualTo(chunks.get(0));
        assertThat(gateway.stub().received()).singleElement().satisfies(r -> {
            assertThat(r.path()).endsWith(":streamGenerateContent");
            assertThat(r.query()).isNull();
        });
    }

    @Test
    void anOperatorTurnsFakeStreamingOffOnTheAdminPageForTheNextRequest() throws Exception {
        List<String> events = List.of(GoogleBodies.sseEvent("real"));
        gateway.stub().answer(r -> r.path().endsWith(":streamGenerateContent")
                ? new StubGemini.Sse("text/event-stream", events, Duration.ZERO, false)
                : new StubGemini.Json(200, GoogleBodies.generateContent("whole")));
        AdminClient admin = new AdminClient(gateway).login();
        try {
            var saved = admin.put("/admin/api/settings", AdminClient.body("values", Map.of("FAKE_STREAM_ENABLED", false)));
            assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);

            Arrivals.Streamed res = Arrivals.post(gateway, SSE_PATH, Gateway.prompt("live"));

            assertThat(res.text()).isEqualTo(events.get(0));
            assertThat(gateway.stub().received()).singleElement()
                    .satisfies(r -> assertThat(r.path()).endsWith(":streamGenerateContent"));
            JsonNode shown = AdminClient.JSON.readTree(admin.get("/admin/api/settings").body());
            assertThat(shown.path("fields")).anySatisfy(f -> {
                assertThat(f.path("name").asText()).isEqualTo("FAKE_STREAM_ENABLED");
                assertThat(f.path("value").asBoolean()).isFalse();
            });
        } finally {
            admin.put("/admin/api/settings", AdminClient.body("reset", List.of("FAKE_STREAM_ENABLED")));
        }
        assertThat(gateway.caravan().configuration().runtime().current().fakeStreamEnabled()).isTrue();
    }

    @Test
    void googlesSdkGetsTheWholeAnswerAsItsStreamWithAReadTimeoutOfTwoSeconds() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Delayed(GOOGLE_THINKS,
                new StubGemini.Json(200, GoogleBodies.generateContent("sdk answer"))));
        List<String> texts = ImpatientSdks.geminiStreamTexts(gateway, CLIENT_GIVES_UP_MS);

        assertThat(texts).containsExactly("sdk answer");
        assertThat(gateway.stub().received()).singleElement()
                .satisfies(r -> assertThat(r.path()).endsWith(":generateContent"));
    }

    @Test
    void openAiSdkGetsTheWholeAnswerAsItsStreamWithAReadTimeoutOfTwoSeconds() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Delayed(GOOGLE_THINKS,
                new StubGemini.Json(200, GoogleBodies.generateContent("sdk answer"))));
        String text = ImpatientSdks.openAiStreamText(gateway, CLIENT_GIVES_UP_MS);

        assertThat(text).hasToString("sdk answer");
    }
}
