package dev.caravan.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;

/**
 * Deletes error-log rows on an operator's word, as gemini-balance's error log page does: the rows selected, every
 * row, or the rows older than a number of days. Ids are bound parameters, at most {@value #MAX_IDS} at a time.
 * Thread-safe: every call uses its own connection.
 */
public final class AdminErrorLogDeletion {

    static final int MAX_IDS = 1_000;
    private static final long DAY_MS = 86_400_000L;

    private final DataSource ds;
    private final ObjectMapper json;
    private final LongSupplier clock;

    public AdminErrorLogDeletion(DataSource ds, ObjectMapper json, LongSupplier clock) {
        this.ds = ds;
        this.json = json;
        this.clock = clock;
    }

    /**
     * {@code POST /admin/api/logs/errors/delete} with exactly one of {@code {"ids": [1, 2]}}, {@code {"all": true}}
     * or {@code {"olderThanDays": 7}}; answers {@code {"deleted": n}}.
     */
    public void delete(Exchange exchange) throws SQLException {
        JsonNode body = readBody(exchange);
        JsonNode ids = body.path("ids");
        boolean all = body.path("all").asBoolean(false);
        JsonNode days = body.path("olderThanDays");
        int chosen = (ids.isMissingNode() ? 0 : 1) + (all ? 1 : 0) + (days.isMissingNode() ? 0 : 1);
        if (chosen != 1) {
            throw AdminError.badRequest("Send one of {\"ids\": [...]}, {\"all\": true} or {\"olderThanDays\": n}");
        }
        int deleted;
        if (all) {
            deleted = update("DELETE FROM error_log", List.of());
        } else if (!days.isMissingNode()) {
            if (!days.canConvertToInt() || days.asInt() < 0 || days.asInt() > 36_500 || !days.isIntegralNumber()) {
                throw AdminError.badRequest("olderThanDays must be a whole number from 0 to 36500");
            }
            deleted = update("DELETE FROM error_log WHERE error_at_ms < ?",
                    List.of(clock.getAsLong() - days.asInt() * DAY_MS));
        } else {
            deleted = deleteIds(ids);
        }
        AdminReply.json(exchange, json, 200, Map.of("deleted", deleted));
    }

    private int deleteIds(JsonNode ids) throws SQLException {
        if (!ids.isArray() || ids.isEmpty() || ids.size() > MAX_IDS) {
            throw AdminError.badRequest("ids must be a list of 1 to " + MAX_IDS + " error log ids");
        }
        List<Object> params = new ArrayList<>();
        for (JsonNode id : ids) {
            if (!id.canConvertToLong() || !id.isIntegralNumber()) {
                throw AdminError.badRequest("ids must be whole numbers (the id of each error log row)");
            }
            params.add(id.asLong());
        }
        String marks = String.join(", ", java.util.Collections.nCopies(params.size(), "?"));
        return update("DELETE FROM error_log WHERE id IN (" + marks + ")", params);
    }

    private int update(String sql, List<Object> params) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            return ps.executeUpdate();
        }
    }

    private JsonNode readBody(Exchange exchange) {
        return AdminReply.jsonObject(exchange, json, "Send a JSON object");
    }
}
