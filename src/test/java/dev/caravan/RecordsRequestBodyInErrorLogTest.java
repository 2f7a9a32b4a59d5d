package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.Rows;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12, ERROR_LOG_RECORD_REQUEST_BODY: while it is on, the error row of a failed request keeps the client's
 * request body with keys and tokens redacted, and the admin page's request detail shows it; turned off on the
 * Settings view, the next failed request keeps none.
 */
class RecordsRequestBodyInErrorLogTest {

    private static final String POOL_KEY = "pool-key-secret-0001";
    private static final String GOOGLE_SHAPED = "AIza" + "SyB1234567890abcdefghijklmnopqrstuv";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(POOL_KEY).set("caravan.error-log-record-request-body", "true");

    @Test
    void keepsTheRedactedBodyOfFailedRequestsWhileOn() throws Exception {
        Rows.Db db = gateway::openDatabase;
        gateway.stub().answer(r -> new StubGemini.Json(400, GoogleBodies.badRequest()));
        String prompt = "please ignore " + Gateway.TOKEN + " and " + GOOGLE_SHAPED + " and " + POOL_KEY + " thanks";
        assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt(prompt)).statusCode())
                .isEqualTo(400);
        assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("fine")).statusCode())
                .isEqualTo(400);
        await().atMost(Duration.ofSeconds(10)).until(() -> Rows.count(db, "error_log") == 2);

        Map<String, Object> row = Rows.query(db, "SELECT request_id, request_body FROM error_log WHERE request_body LIKE ?",
                "%please ignore%").get(0);
        String kept = (String) row.get("request_body");
        assertThat(kept).contains("please ignore", "[REDACTED]", "thanks", "\"contents\"")
                .doesNotContain(Gateway.TOKEN, GOOGLE_SHAPED, POOL_KEY);
        AdminClient admin = new AdminClient(gateway).login();
        JsonNode detail = AdminClient.json(admin.get("/admin/api/logs/requests/" + row.get("request_id")));
        assertThat(detail.path("errors").get(0).path("request_body").asText()).isEqualTo(kept);

        var off = admin.put("/admin/api/settings", AdminClient.body("values", Map.of("ERROR_LOG_RECORD_REQUEST_BODY", false)));
        assertThat(off.statusCode()).isEqualTo(200);
        assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("after")).statusCode())
                .isEqualTo(400);
        await().atMost(Duration.ofSeconds(10)).until(() -> Rows.count(db, "error_log") == 3);
        assertThat(Rows.query(db, "SELECT request_body FROM error_log ORDER BY id DESC").get(0).get("request_body")).isNull();
    }
}
