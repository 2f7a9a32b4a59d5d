package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

import dev.caravan.support.Gateway;
import dev.caravan.support.Rows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An unknown path or a body over the limit is answered below the routes, and still gets its request_log row. */
class LogsRequestsNoRouteTookTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("edge-key").set("caravan.max-body-bytes", "2048");

    private final Rows.Db db = gateway::openDatabase;

    @Test
    void writesARowForAnUnknownPathAndForAnOversizedBody() throws Exception {
        assertThat(gateway.get("/v1beta/nowhere").statusCode()).isEqualTo(404);
        assertThat(gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1beta/models/gemini-2.5-flash:generateContent")))
                .header("x-goog-api-key", Gateway.TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"x\":\"" + "a".repeat(4096) + "\"}"))).statusCode()).isEqualTo(413);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(Rows.query(db, "SELECT status, path, error_type FROM request_log WHERE status = 404"))
                    .anySatisfy(r -> assertThat(r).containsEntry("path", "/v1beta/nowhere").containsEntry("error_type", "HTTP_404"));
            assertThat(Rows.query(db, "SELECT status FROM request_log WHERE status = 413")).hasSize(1);
        });
        assertThat(gateway.stub().received()).isEmpty();
    }
}
