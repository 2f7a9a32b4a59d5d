package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.Rows;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 6, Dashboard and Logs views: the charts' per-minute and per-hour counts, success rate, tokens and keys by
 * state come from the request log and the pool; the logs are filtered by time, model, status and key fingerprint;
 * one request shows its attempts and its upstream error with keys and tokens redacted.
 */
class AdminShowsDashboardAndLogsTest {

    private static final String KEY_A = "dash-key-aaaa-secret-01";
    private static final String KEY_B = "dash-key-bbbb-secret-02";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(KEY_A, KEY_B);

    @Test
    void theDashboardCountsRequestsErrorsTokensAndKeys() throws Exception {
        long before = Rows.count(gateway::openDatabase, "request_log");
        for (int i = 0; i < 3; i++) {
            assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("ok")).statusCode()).isEqualTo(200);
        }
        gateway.stub().answer(r -> new StubGemini.Json(400, GoogleBodies.badRequest()));
        assertThat(gateway.post("/v1beta/models/gemini-2.5-pro:generateContent", Gateway.prompt("bad")).statusCode()).isEqualTo(400);
        await().atMost(Duration.ofSeconds(10)).until(() -> Rows.count(gateway::openDatabase, "request_log") == before + 4);
        gateway.pool().disable(gateway.key(KEY_B), new dev.caravan.keys.Evidence(0, "OPERATOR_DISABLED", null, 1));

        HttpResponse<String> res = new AdminClient(gateway).login().get("/admin/api/dashboard");

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode d = AdminClient.json(res);
        JsonNode hour = d.path("hour");
        assertThat(hour.path("requests")).hasSize(60);
        assertThat(hour.path("step").asLong()).isEqualTo(60_000);
        assertThat(hour.path("total").asLong()).isEqualTo(before + 4);
        assertThat(hour.path("failed").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(sum(hour.path("requests"))).isEqualTo(before + 4);
        assertThat(hour.path("tokens").asLong()).isGreaterThanOrEqualTo(15);
        assertThat(hour.path("successRate").asDouble()).isBetween(0.5, 0.9);
        JsonNode day = d.path("day");
        assertThat(day.path("requests")).hasSize(24);
        assertThat(day.path("total").asLong()).isEqualTo(before + 4);
        // the newest requests are in the last bucket (or, at a minute's turn, the one before)
        int last = hour.path("requests").size() - 1;
        assertThat(hour.path("requests").get(last).asLong() + hour.path("requests").get(last - 1).asLong()).isPositive();
        assertThat(d.path("keys").path("total").asInt()).isEqualTo(2);
        assertThat(d.path("keys").path("active").asInt()).isEqualTo(1);
        assertThat(d.path("keys").path("operatorDisabled").asInt()).isEqualTo(1);
    }

    @Test
    void theLogsAreFilteredAndOneRequestShowsItsAttemptsAndRedactedError() throws Exception {
        // A answers 500 with a body that quotes its key and a client token; B answers 503: the request fails
        gateway.stub().answerFor(KEY_A, r -> new StubGemini.Json(500,
                "{\"error\":{\"code\":500,\"message\":\"internal: key " + KEY_A + " token " + Gateway.TOKEN
                        + " AIza" + "SyA1234567890abcdefghijklmnopqrstuv\",\"status\":\"INTERNAL\"}}"));
        gateway.stub().answerFor(KEY_B, r -> new StubGemini.Json(500,
                "{\"error\":{\"code\":500,\"message\":\"internal: key " + KEY_B + "\",\"status\":\"INTERNAL\"}}"));
        long start = System.currentTimeMillis() - 1;
        assertThat(gateway.post("/v1beta/models/gemini-2.0-flash:generateContent", Gateway.prompt("x")).statusCode()).isGreaterThanOrEqualTo(500);
        gateway.stub().reset();
        assertThat(gateway.post("/v1beta/models/gemini-2.5-flash-lite:generateContent", Gateway.prompt("y")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> Rows.query(gateway::openDatabase,
                "SELECT id FROM request_log WHERE model = 'gemini-2.5-flash-lite'").size() == 1);
        AdminClient admin = new AdminClient(gateway).login();
        String fpA = gateway.key(KEY_A).fingerprint();

        JsonNode failed = AdminClient.json(admin.get("/admin/api/logs/requests?status=5xx&from=" + start));
        JsonNode byModel = AdminClient.json(admin.get("/admin/api/logs/requests?model=gemini-2.5-flash-lite"));
        JsonNode byKey = AdminClient.json(admin.get("/admin/api/logs/requests?key=" + fpA + "&from=" + start));
        JsonNode future = AdminClient.json(admin.get("/admin/api/logs/requests?from=" + (System.currentTimeMillis() + 60_000)));
        JsonNode errors = AdminClient.json(admin.get("/admin/api/logs/errors?model=gemini-2.0-flash"));
        JsonNode paged = AdminClient.json(admin.get("/admin/api/logs/requests?limit=1"));

        assertThat(failed.path("rows")).hasSize(1);
        JsonNode row = failed.path("rows").get(0);
        assertThat(row.path("model").asText()).isEqualTo("gemini-2.0-flash");
        assertThat(row.path("attempt_count").asInt()).isEqualTo(2);
        assertThat(byModel.path("rows")).hasSize(1);
        assertThat(byModel.path("rows").get(0).path("status").asInt()).isEqualTo(200);
        assertThat(byKey.path("rows")).extracting(r -> r.path("request_id").asText()).contains(row.path("request_id").asText());
        assertThat(future.path("rows")).isEmpty();
        assertThat(errors.path("rows")).hasSize(1);
        assertThat(errors.path("rows").get(0).path("error_summary").asText()).contains("[REDACTED]");
        assertThat(paged.path("rows")).hasSize(1);
        assertThat(paged.path("next").asLong()).isPositive();
        JsonNode older = AdminClient.json(admin.get("/admin/api/logs/requests?limit=1&before=" + paged.path("next").asLong()));
        assertThat(older.path("rows").get(0).path("id").asLong()).isLessThan(paged.path("next").asLong());

        HttpResponse<String> detail = admin.get("/admin/api/logs/requests/" + row.path("request_id").asText());

        assertThat(detail.statusCode()).isEqualTo(200);
        JsonNode d = AdminClient.json(detail);
        assertThat(d.path("request").path("attempts")).hasSize(2);
        assertThat(d.path("request").path("attempts").get(0).path("verdict").asText()).isEqualTo("UPSTREAM_FAILURE");
        assertThat(d.path("errors").get(0).path("error_body").asText()).contains("[REDACTED]", "INTERNAL");
        for (JsonNode n : new JsonNode[] {failed, byModel, byKey, errors, d}) {
            assertThat(n.toString()).doesNotContain(KEY_A, KEY_B, Gateway.TOKEN, "AIzaSyA1234567890");
        }
        assertThat(admin.get("/admin/api/logs/requests/no-such-request").statusCode()).isEqualTo(404);
        assertThat(admin.get("/admin/api/logs/requests?key=%27%20OR%201%3D1%20--").statusCode()).isEqualTo(400);
        assertThat(admin.get("/admin/api/logs/requests?status=teapot").statusCode()).isEqualTo(400);
        assertThat(admin.get("/admin/api/logs/errors?from=yesterday").statusCode()).isEqualTo(400);
    }

    private static long sum(JsonNode array) {
        long n = 0;
        for (JsonNode v : array) {
            n += v.asLong();
        }
        return n;
    }
}
