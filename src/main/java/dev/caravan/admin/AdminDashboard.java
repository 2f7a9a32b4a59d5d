package dev.caravan.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.KeyState;
import dev.caravan.storage.RequestLog;
import org.apache.camel.Exchange;

/**
 * The Dashboard view: requests and errors per minute over the last hour and per hour over the last 24 hours,
 * success rate and tokens, from {@code request_log}; keys by state from each pool (the Gemini pool's under
 * {@code keys}, the Vertex AI Express pool's under {@code vertexKeys}, in the same shape). The buckets are grouped in SQL
 * with integer arithmetic only ({@code at - (at - origin) % step}), which SQLite and MySQL compute alike and which
 * uses the index on {@code request_at_ms}. Thread-safe.
 */
public final class AdminDashboard {

    private static final long MINUTE = 60_000L;
    private static final long HOUR = 3_600_000L;

    private final DataSource ds;
    private final KeyRoundRobin pool;
    private final KeyRoundRobin vertexPool;
    private final RequestLog requestLog;
    private final ObjectMapper json;
    private final LongSupplier clock;

    /** @param vertexPool the Vertex AI Express pool (VERTEX_API_KEYS), empty when none is configured */
    public AdminDashboard(DataSource ds, KeyRoundRobin pool, KeyRoundRobin vertexPool, RequestLog requestLog,
                          ObjectMapper json, LongSupplier clock) {
        this.ds = ds;
        this.pool = pool;
        this.vertexPool = vertexPool;
        this.requestLog = requestLog;
        this.json = json;
        this.clock = clock;
    }

    /** {@code GET /admin/api/dashboard}. */
    public void show(Exchange exchange) throws SQLException {
        AdminReply.json(exchange, json, 200, summary());
    }

    Map<String, Object> summary() throws SQLException {
        long now = clock.getAsLong();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("now", now);
        try (Connection c = ds.getConnection()) {
            out.put("hour", series(c, now, MINUTE, 60));
            out.put("day", series(c, now, HOUR, 24));
        }
        out.put("keys", keys(pool, now));
        out.put("vertexKeys", keys(vertexPool, now));
        out.put("droppedLogRows", requestLog == null ? 0 : requestLog.droppedRows());
        return out;
    }

    /** {@code buckets} buckets of {@code step} ms, the last one holding now. */
    private static Map<String, Object> series(Connection c, long now, long step, int buckets) throws SQLException {
        long origin = (now / step) * step - (buckets - 1) * step;
        long[] requests = new long[buckets];
        long[] errors = new long[buckets];
        long ok = 0;
        long tokens = 0;
        // the bucket is named in a derived table, so both databases group by the same column (MySQL's
        // ONLY_FULL_GROUP_BY would not match two copies of an expression with parameters)
        String sql = "SELECT bucket, COUNT(*) AS n, SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS errors, "
                + "SUM(CASE WHEN status >= 200 AND status < 300 THEN 1 ELSE 0 END) AS ok, "
                + "SUM(COALESCE(total_tokens, 0)) AS tokens "
                + "FROM (SELECT request_at_ms - ((request_at_ms - ?) % ?) AS bucket, status, total_tokens "
                + "FROM request_log WHERE request_at_ms >= ? AND request_at_ms < ?) t GROUP BY bucket";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, origin);
            ps.setLong(2, step);
            ps.setLong(3, origin);
            ps.setLong(4, origin + buckets * step);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int i = (int) ((rs.getLong(1) - origin) / step);
                    if (i < 0 || i >= buckets) {
                        continue;
                    }
                    requests[i] += rs.getLong(2);
                    errors[i] += rs.getLong(3);
                    ok += rs.getLong(4);
                    tokens += rs.getLong(5);
                }
            }
        }
        long total = 0;
        long failed = 0;
        for (int i = 0; i < buckets; i++) {
            total += requests[i];
            failed += errors[i];
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("start", origin);
        s.put("step", step);
        s.put("requests", requests);
        s.put("errors", errors);
        s.put("total", total);
        s.put("failed", failed);
        s.put("successRate", total == 0 ? null : (double) ok / total);
        s.put("tokens", tokens);
        return s;
    }

    private static Map<String, Object> keys(KeyRoundRobin pool, long now) {
        int active = 0;
        int cooling = 0;
        int invalid = 0;
        int suspended = 0;
        int disabled = 0;
        int operator = 0;
        for (ApiKey k : pool.keys()) {
            KeyState st = k.state();
            if (st == KeyState.ACTIVE) {
                if (k.pausedAt(now)) {
                    cooling++;
                } else {
                    active++;
                }
            } else if (st == KeyState.INVALID) {
                invalid++;
            } else if (st == KeyState.SUSPENDED) {
                suspended++;
            } else if (k.manuallyDisabled()) {
                operator++;
            } else {
                disabled++;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total", pool.size());
        m.put("active", active);
        m.put("cooling", cooling);
        m.put("invalid", invalid);
        m.put("suspended", suspended);
        m.put("disabled", disabled);
        m.put("operatorDisabled", operator);
        return m;
    }
}
