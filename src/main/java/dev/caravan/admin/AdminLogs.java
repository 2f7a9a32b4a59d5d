package dev.caravan.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.storage.SecretRedactor;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The Logs view: the request log and the error log, newest first, filtered by time range, model, status and key
 * fingerprint, paged by id (a cursor, so deep pages stay as cheap as the first); and one request in detail with
 * its attempts and its error rows. Error bodies were redacted when written and are redacted again on the way out.
 * Filters are bound parameters, never text in the SQL. Thread-safe.
 */
public final class AdminLogs {

    static final int MAX_LIMIT = 500;
    private static final String FINGERPRINT = "[0-9a-f]{4,16}";

    private final DataSource ds;
    private final SecretRedactor redactor;
    private final ObjectMapper json;

    public AdminLogs(DataSource ds, SecretRedactor redactor, ObjectMapper json) {
        this.ds = ds;
        this.redactor = redactor;
        this.json = json;
    }

    /** The filters of a log query. */
    record Filter(Long from, Long to, String model, String status, String key, Long before, int limit) {
    }

    static Filter filter(Message msg) {
        String key = AdminKeys.text(msg, "key");
        if (key != null && !key.toLowerCase(Locale.ROOT).matches(FINGERPRINT)) {
            throw AdminError.badRequest("key must be a key fingerprint (hex digits)");
        }
        return new Filter(longParam(msg, "from"), longParam(msg, "to"), AdminKeys.text(msg, "model"),
                AdminKeys.text(msg, "status"), key == null ? null : key.toLowerCase(Locale.ROOT),
                longParam(msg, "before"), AdminKeys.number(msg, "limit", 50, 1, MAX_LIMIT));
    }

    /** {@code GET /admin/api/logs/requests?from=&to=&model=&status=&key=&before=&limit=}. */
    public void requests(Exchange exchange) throws SQLException {
        Filter f = filter(exchange.getMessage());
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        common(f, "request_at_ms", where, params);
        if (f.key() != null) {
            // attempts is a JSON array of {"key":"<fingerprint>",...}; the fingerprint is checked to be hex
            where.append(" AND attempts LIKE ?");
            params.add("%\"key\":\"" + f.key() + "\"%");
        }
        String sql = "SELECT id, request_id, request_at_ms, surface, method, path, model, streamed, client_fingerprint, "
                + "status, latency_ms, attempt_count, prompt_tokens, completion_tokens, thought_tokens, total_tokens, "
                + "error_type FROM request_log" + where + " ORDER BY id DESC LIMIT " + (f.limit() + 1);
        AdminReply.json(exchange, json, 200, page(query(sql, params), f.limit()));
    }

    /** {@code GET /admin/api/logs/errors?from=&to=&model=&status=&key=&before=&limit=}. */
    public void errors(Exchange exchange) throws SQLException {
        Filter f = filter(exchange.getMessage());
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        common(f, "error_at_ms", where, params);
        if (f.key() != null) {
            where.append(" AND key_fingerprint = ?");
            params.add(f.key());
        }
        String sql = "SELECT id, request_id, error_at_ms, surface, path, model, client_fingerprint, key_fingerprint, "
                + "status, upstream_status, error_type, error_body FROM error_log" + where
                + " ORDER BY id DESC LIMIT " + (f.limit() + 1);
        List<Map<String, Object>> rows = query(sql, params);
        for (Map<String, Object> r : rows) {
            String body = redact((String) r.remove("error_body"));
            r.put("error_summary", body == null || body.length() <= 200 ? body : body.substring(0, 200) + "…");
        }
        AdminReply.json(exchange, json, 200, page(rows, f.limit()));
    }

    /** {@code GET /admin/api/logs/requests/{id}}: one request, its attempts and its error rows. */
    public void request(Exchange exchange) throws Exception {
        String id = exchange.getMessage().getHeader("id", String.class);
        if (id == null || !id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new AdminError(404, "No such request");
        }
        List<Map<String, Object>> rows = query("SELECT id, request_id, request_at_ms, surface, method, path, model, "
                + "streamed, client_fingerprint, status, latency_ms, attempt_count, attempts, prompt_tokens, "
                + "completion_tokens, thought_tokens, total_tokens, error_type FROM request_log WHERE request_id = ?",
                List.of(id));
        List<Map<String, Object>> errors = query("SELECT id, error_at_ms, status, upstream_status, error_type, "
                + "key_fingerprint, error_body, request_body FROM error_log WHERE request_id = ? ORDER BY id", List.of(id));
        if (rows.isEmpty() && errors.isEmpty()) {
            throw new AdminError(404, "No such request (it may not be written yet, or retention deleted it)");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> req = rows.isEmpty() ? null : rows.get(0);
        if (req != null) {
            String attempts = (String) req.remove("attempts");
            req.put("attempts", attempts == null || attempts.isEmpty() ? List.of() : json.readTree(attempts));
        }
        for (Map<String, Object> e : errors) {
            e.put("error_body", redact((String) e.get("error_body")));
            // kept only while ERROR_LOG_RECORD_REQUEST_BODY was on; redacted when written and again here
            e.put("request_body", redact((String) e.get("request_body")));
        }
        out.put("request", req);
        out.put("errors", errors);
        AdminReply.json(exchange, json, 200, out);
    }

    private static void common(Filter f, String timeColumn, StringBuilder where, List<Object> params) {
        if (f.from() != null) {
            where.append(" AND ").append(timeColumn).append(" >= ?");
            params.add(f.from());
        }
        if (f.to() != null) {
            where.append(" AND ").append(timeColumn).append(" < ?");
            params.add(f.to());
        }
        if (f.model() != null) {
            where.append(" AND model = ?");
            params.add(f.model());
        }
        if (f.status() != null) {
            String s = f.status().toLowerCase(Locale.ROOT);
            switch (s) {
                case "ok", "2xx" -> where.append(" AND status >= 200 AND status < 300");
                case "error" -> where.append(" AND status >= 400");
                case "4xx" -> where.append(" AND status >= 400 AND status < 500");
                case "5xx" -> where.append(" AND status >= 500");
                default -> {
                    if (!s.matches("[1-5][0-9][0-9]")) {
                        throw AdminError.badRequest("status must be a code such as 429, or 2xx, 4xx, 5xx, error");
                    }
                    where.append(" AND status = ?");
                    params.add(Integer.parseInt(s));
                }
            }
        }
        if (f.before() != null) {
            where.append(" AND id < ?");
            params.add(f.before());
        }
    }

    /** The rows of one page, and the cursor of the next when there is one. */
    private static Map<String, Object> page(List<Map<String, Object>> rows, int limit) {
        Map<String, Object> out = new LinkedHashMap<>();
        boolean more = rows.size() > limit;
        List<Map<String, Object>> shown = more ? rows.subList(0, limit) : rows;
        out.put("rows", shown);
        out.put("next", more ? shown.get(shown.size() - 1).get("id") : null);
        return out;
    }

    private List<Map<String, Object>> query(String sql, List<Object> params) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, Object>> out = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        String name = md.getColumnLabel(i).toLowerCase(Locale.ROOT);
                        Object v = rs.getObject(i);
                        if (name.equals("streamed") && v != null) {
                            v = v instanceof Boolean b ? b : ((Number) v).intValue() != 0;
                        }
                        row.put(name, v);
                    }
                    out.add(row);
                }
                return out;
            }
        }
    }

    private String redact(String text) {
        return text == null ? null : redactor.redact(text, List.of());
    }

    private static Long longParam(Message msg, String name) {
        String v = AdminKeys.text(msg, name);
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw AdminError.badRequest(name + " must be epoch milliseconds");
        }
    }
}
