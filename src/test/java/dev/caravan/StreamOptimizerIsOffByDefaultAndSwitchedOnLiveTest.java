package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.AdminClient;
import dev.caravan.support.Arrivals;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.ImpatientClient;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * STREAM_OPTIMIZER_ENABLED is off by default, as in gemini-balance: Google's events reach the client as they came,
 * byte for byte. The admin page switches it on for the next stream, and its sizes and pauses apply from the next
 * stream on too; a value that is no number of seconds is refused with the field named.
 */
class StreamOptimizerIsOffByDefaultAndSwitchedOnLiveTest {

    private static final String SSE_PATH = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
    private static final String SIXTY = "Pacing makes text arrive like typing, five letters at a time";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a");

    private static List<String> nativeTexts() throws Exception {
        gateway.stub().reset();
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", List.of(GoogleBodies.sseEvent(SIXTY)),
                Duration.ZERO, false));
        Arrivals.Streamed res = Arrivals.post(gateway, SSE_PATH, Gateway.prompt("type"));
        assertThat(res.status()).isEqualTo(200);
        List<String> texts = new ArrayList<>();
        for (String d : ImpatientClient.sseData(res.text())) {
            texts.add(JSON.readTree(d).at("/candidates/0/content/parts/0/text").asText());
        }
        assertThat(gateway.stub().keysSeen()).containsExactly("pool-key-a");
        return texts;
    }

    @Test
    void offByDefaultThenOnFromTheAdminPageWithItsSizesReadAtEachStream() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", List.of(GoogleBodies.sseEvent(SIXTY)),
                Duration.ZERO, false));
        Arrivals.Streamed unchanged = Arrivals.post(gateway, SSE_PATH, Gateway.prompt("type"));
        assertThat(unchanged.text()).as("byte for byte").isEqualTo(GoogleBodies.sseEvent(SIXTY));
        assertThat(nativeTexts()).containsExactly(SIXTY);
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", List.of(GoogleBodies.sseEvent(SIXTY)),
                Duration.ZERO, false));
        Arrivals.Streamed chat = Arrivals.post(gateway, "/v1/chat/completions",
                "{\"model\":\"gemini-2.5-flash\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"type\"}]}");
        assertThat(ImpatientClient.sseData(chat.text()).stream().filter(d -> d.contains(SIXTY))).hasSize(1);

        AdminClient admin = new AdminClient(gateway).login();
        JsonNode fields = AdminClient.json(admin.get("/admin/api/settings")).path("fields");
        assertThat(field(fields, "STREAM_OPTIMIZER_ENABLED").path("value").asBoolean()).isFalse();
        assertThat(field(fields, "STREAM_MIN_DELAY").path("value").asText()).isEqualTo("0.016");
        assertThat(field(fields, "STREAM_MAX_DELAY").path("value").asText()).isEqualTo("0.024");
        assertThat(field(fields, "STREAM_SHORT_TEXT_THRESHOLD").path("value").asInt()).isEqualTo(10);
        assertThat(field(fields, "STREAM_LONG_TEXT_THRESHOLD").path("value").asInt()).isEqualTo(50);
        assertThat(field(fields, "STREAM_CHUNK_SIZE").path("value").asInt()).isEqualTo(5);

        var on = admin.put("/admin/api/settings", AdminClient.body("values", Map.of("STREAM_OPTIMIZER_ENABLED", true)));
        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
        assertThat(nativeTexts()).hasSize(12).allSatisfy(t -> assertThat(t).hasSize(5));

        var bigger = admin.put("/admin/api/settings", AdminClient.body("values",
                Map.of("STREAM_CHUNK_SIZE", 20, "STREAM_MIN_DELAY", "0.001")));
        assertThat(bigger.statusCode()).as(bigger.body()).isEqualTo(200);
        assertThat(nativeTexts()).containsExactly(SIXTY.substring(0, 20), SIXTY.substring(20, 40), SIXTY.substring(40));

        var wrong = admin.put("/admin/api/settings", AdminClient.body("values", Map.of("STREAM_MAX_DELAY", "fast")));
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("STREAM_MAX_DELAY").contains("seconds");

        var back = admin.put("/admin/api/settings", AdminClient.body("reset",
                List.of("STREAM_OPTIMIZER_ENABLED", "STREAM_CHUNK_SIZE", "STREAM_MIN_DELAY")));
        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(nativeTexts()).containsExactly(SIXTY);
    }

    private static JsonNode field(JsonNode fields, String name) {
        for (JsonNode f : fields) {
            if (f.path("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no field " + name);
    }
}
