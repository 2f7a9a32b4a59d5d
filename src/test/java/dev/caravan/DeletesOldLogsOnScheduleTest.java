package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;

import dev.caravan.support.Gateway;
import dev.caravan.support.Rows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 5, retention (routes/maintenance.camel.yaml): request_log rows older than AUTO_DELETE_REQUEST_LOGS_DAYS
 * and error_log rows older than AUTO_DELETE_ERROR_LOGS_DAYS are deleted by the hourly route; newer rows stay.
 */
class DeletesOldLogsOnScheduleTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a")
            .set("caravan.auto-delete-request-logs-enabled", "true")
            .set("caravan.auto-delete-request-logs-days", "30")
            .set("caravan.auto-delete-error-logs-enabled", "true")
            .set("caravan.auto-delete-error-logs-days", "7");

    private static final long DAY = 86_400_000L;

    @Test
    void deletesRowsOlderThanTheirRetentionAndKeepsTheRest() throws Exception {
        long now = System.currentTimeMillis();
        try (Connection c = gateway.openDatabase()) {
            insertRequest(c, "old-request", now - 31 * DAY);
            insertRequest(c, "recent-request", now - 29 * DAY);
            insertError(c, "old-error", now - 8 * DAY);
            insertError(c, "recent-error", now - 6 * DAY);
        }

        gateway.caravan().context().createProducerTemplate().sendBody("direct:maintenance-delete-old-logs", null);

        Rows.Db db = gateway::openDatabase;
        assertThat(Rows.query(db, "SELECT request_id FROM request_log")).extracting(r -> r.get("request_id"))
                .containsExactly("recent-request");
        assertThat(Rows.query(db, "SELECT request_id FROM error_log")).extracting(r -> r.get("request_id"))
                .containsExactly("recent-error");
    }

    private static void insertRequest(Connection c, String id, long at) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO request_log (request_id, request_at_ms, surface, "
                + "status, latency_ms, attempt_count) VALUES (?, ?, 'gemini', 200, 1, 1)")) {
            ps.setString(1, id);
            ps.setLong(2, at);
            ps.executeUpdate();
        }
    }

    private static void insertError(Connection c, String id, long at) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO error_log (request_id, error_at_ms, surface, status) "
                + "VALUES (?, ?, 'gemini', 500)")) {
            ps.setString(1, id);
            ps.setLong(2, at);
            ps.executeUpdate();
        }
    }
}
