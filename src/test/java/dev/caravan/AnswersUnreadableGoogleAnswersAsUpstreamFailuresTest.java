package dev.caravan;

import static dev.caravan.support.OpenAiEnvelope.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Arrivals;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Google's side failing in ways no status says: a 200 whose body is not JSON (a proxy's page on the way), a stream
 * that ends before its first event, an event that is not JSON, an embeddings answer short of the inputs. None of
 * them is the client's mistake (a 400) or a complete answer (an empty 200): each is an upstream failure the client
 * can tell, and a stream that gave the client nothing yet goes to the next key.
 */
class AnswersUnreadableGoogleAnswersAsUpstreamFailuresTest {

    private static final List<String> POOL = List.of("garbled-pool-key-a", "garbled-pool-key-b");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = """
            {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"hi"}]}""";
    private static final String STREAM = """
            {"model":"gemini-2.5-flash","stream":true,"messages":[{"role":"user","content":"count"}]}""";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(POOL.toArray(String[]::new));

    @Test
    void aWholeAnswerThatIsNotJsonIsA502NotTheClientsInvalidJson() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, "<html><body>proxy error</body></html>"));

        HttpResponse<String> res = gateway.post("/v1/chat/completions", CHAT);

        JsonNode error = assertOpenAiError(res, 502, "server_error");
        assertThat(error.path("message").asText()).contains("Google's answer could not be read")
                .doesNotContain("request body");
        assertThat(gateway.stub().received()).hasSize(1);
    }

    @Test
    void anEmbeddingsAnswerShortOfTheInputsIsA502() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, "{\"embeddings\":[{\"values\":[1,2]}]}"));

        HttpResponse<String> res = gateway.post("/v1/embeddings",
                "{\"model\":\"gemini-embedding-001\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"float\"}");

        JsonNode error = assertOpenAiError(res, 502, "server_error");
        assertThat(error.path("message").asText()).contains("1 embedding(s) for 2 input(s)");
    }

    @Test
    void aStreamThatEndsBeforeItsFirstEventGoesToTheNextKey() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        gateway.stub().answer(r -> calls.getAndIncrement() == 0
                // a 200 stream with nothing in it but blank lines
                ? new StubGemini.Sse("text/event-stream", List.of("\r\n"), Duration.ofMillis(5), false)
                : new StubGemini.Sse("text/event-stream",
                        List.of(GoogleBodies.sseEvent("from " + r.key())), Duration.ofMillis(5), false));

        Arrivals.Streamed res = Arrivals.post(gateway, "/v1/chat/completions", STREAM);

        assertThat(res.status()).isEqualTo(200);
        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates();
        assertThat(contents(res.text())).isEqualTo("from " + keys.get(1));
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(gateway.key(keys.get(0)).strikes()).isEqualTo(1));
    }

    @Test
    void aNativeStreamThatEndsBeforeItsFirstEventGoesToTheNextKeyToo() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        gateway.stub().answer(r -> calls.getAndIncrement() == 0
                ? new StubGemini.Sse("text/event-stream", List.of(), Duration.ofMillis(5), false)
                : new StubGemini.Sse("text/event-stream",
                        List.of(GoogleBodies.sseEvent("from " + r.key())), Duration.ofMillis(5), false));

        Arrivals.Streamed res = Arrivals.post(gateway,
                "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", Gateway.prompt("count"));

        assertThat(res.status()).isEqualTo(200);
        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates();
        assertThat(res.text()).isEqualTo(GoogleBodies.sseEvent("from " + keys.get(1)));
    }

    @Test
    void anEventThatIsNotJsonEndsTheTranslatedStreamWithAnErrorChunk() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream",
                List.of(GoogleBodies.sseEvent("one"), "data: not-json\r\n\r\n", GoogleBodies.sseEvent("two")),
                Duration.ofMillis(5), false));

        Arrivals.Streamed res = Arrivals.post(gateway, "/v1/chat/completions", STREAM);

        assertThat(res.status()).isEqualTo(200);
        List<String> events = dataLines(res.text());
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        JsonNode error = assertOpenAiError(events.get(events.size() - 2), "server_error");
        assertThat(error.path("message").asText()).contains("could not be read");
        assertThat(contents(res.text())).isEqualTo("one");
        assertThat(res.text()).doesNotContain("\"finish_reason\":\"stop\"");
    }

    @Test
    void aNativeModelListThatIsNotJsonPassesAsGoogleSentIt() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, "<html>proxy error</html>"));

        HttpResponse<String> res = gateway.get("/v1beta/models");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("<html>proxy error</html>");
    }

    /** The text of every content delta of a translated stream, joined. */
    private static String contents(String sse) throws Exception {
        StringBuilder out = new StringBuilder();
        for (String e : dataLines(sse)) {
            if (e.equals("[DONE]")) {
                continue;
            }
            JSON.readTree(e).path("choices").forEach(c -> out.append(c.at("/delta/content").asText("")));
        }
        return out.toString();
    }

    /** The data of each SSE event, in order (comments skipped). */
    private static List<String> dataLines(String sse) {
        List<String> out = new ArrayList<>();
        for (String event : sse.split("\n\n")) {
            String e = event.strip();
            if (!e.isEmpty() && !e.startsWith(":")) {
                assertThat(e).startsWith("data: ");
                out.add(e.substring("data: ".length()));
            }
        }
        return out;
    }
}
