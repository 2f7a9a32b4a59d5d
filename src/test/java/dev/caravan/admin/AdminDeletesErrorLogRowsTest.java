package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.Rows;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12, admin parity: an operator deletes error-log rows as on gemini-balance's error log page: the rows
 * selected, those older than N days, or all; a malformed request deletes nothing.
 */
class AdminDeletesErrorLogRowsTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a");

    @Test
    void deletesTheSelectedRowsThoseOlderThanNDaysAndAll() throws Exception {
        Rows.Db db = gateway::openDatabase;
        gateway.stub().answer(r -> new StubGemini.Json(400, GoogleBodies.badRequest()));
        for (int i = 0; i < 4; i++) {
            assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("bad")).statusCode())
                    .isEqualTo(400);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Rows.count(db, "error_log") == 4);
        List<Long> ids = Rows.query(db, "SELECT id FROM error_log ORDER BY id").stream()
                .map(r -> ((Number) r.get("id")).longValue()).toList();
        try (var c = gateway.openDatabase(); var st = c.createStatement()) {
            st.execute("UPDATE error_log SET error_at_ms = error_at_ms - " + 10L * 86_400_000L + " WHERE id = " + ids.get(0));
        }
        AdminClient admin = new AdminClient(gateway).login();

        var wrong = admin.post("/admin/api/logs/errors/delete", AdminClient.body("all", true, "olderThanDays", 1));
        var notIds = admin.post("/admin/api/logs/errors/delete", AdminClient.body("ids", List.of("1; DROP TABLE error_log")));
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(notIds.statusCode()).isEqualTo(400);
        assertThat(Rows.count(db, "error_log")).isEqualTo(4);

        var selected = admin.post("/admin/api/logs/errors/delete", AdminClient.body("ids", List.of(ids.get(3))));
        assertThat(AdminClient.json(selected).path("deleted").asInt()).isEqualTo(1);
        var old = admin.post("/admin/api/logs/errors/delete", AdminClient.body("olderThanDays", 7));
        assertThat(AdminClient.json(old).path("deleted").asInt()).isEqualTo(1);
        assertThat(Rows.query(db, "SELECT id FROM error_log ORDER BY id")).extracting(r -> ((Number) r.get("id")).longValue())
                .containsExactly(ids.get(1), ids.get(2));

        var byScript = admin.bearer("POST", "/admin/api/logs/errors/delete", AdminClient.body("all", true), Gateway.ADMIN_TOKEN);
        assertThat(AdminClient.json(byScript).path("deleted").asInt()).isEqualTo(2);
        assertThat(Rows.count(db, "error_log")).isZero();
        // the request log is not the error log
        assertThat(Rows.count(db, "request_log")).isGreaterThanOrEqualTo(4);
    }
}
