package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.caravan.support.Gateway;
import dev.caravan.support.Rows;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An image request that takes one Gemini call per image logs the attempts of all its calls in its one row. */
class LogsEveryImageCallsAttemptsTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("image-key-a", "image-key-b");

    private final Rows.Db db = gateway::openDatabase;

    @Test
    void countsTheAttemptsOfEveryCallInTheRequestLogRow() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, """
                {"candidates": [{"content": {"role": "model", "parts": [
                   {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}}]},
                 "finishReason": "STOP", "index": 0}]}
                """));

        var res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/images/generations")))
                .header("Authorization", "Bearer " + Gateway.TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gemini-2.5-flash-image\",\"prompt\":\"a caravan\",\"n\":2}")));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(gateway.stub().received()).hasSize(2);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Map<String, Object>> rows = Rows.query(db,
                    "SELECT attempt_count FROM request_log WHERE path = '/v1/images/generations'");
            assertThat(rows).hasSize(1);
            assertThat(((Number) rows.get(0).get("attempt_count")).intValue()).isEqualTo(2);
        });
    }
}
