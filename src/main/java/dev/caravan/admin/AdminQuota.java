package dev.caravan.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.QuotaBudgets;
import org.apache.camel.Exchange;

/**
 * {@code GET /admin/api/quota}: per model with a known budget, the headroom left across the pool's projects in
 * rotation (requests and input tokens this minute, requests today) and when today's requests run out at the last
 * minute's rate (README "Quotas", pacing). Thread-safe.
 */
public final class AdminQuota {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeyRoundRobin pool;

    public AdminQuota(KeyRoundRobin pool) {
        this.pool = pool;
    }

    /** {@code GET /admin/api/quota}. */
    public void show(Exchange exchange) {
        AdminReply.json(exchange, JSON, 200, summary());
    }

    Map<String, Object> summary() {
        long now = pool.now();
        List<Map<String, Object>> models = new ArrayList<>();
        for (QuotaBudgets.Headroom h : pool.headroom()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", h.model());
            m.put("projects", h.projects());
            m.put("minuteRequests", window(h.minuteRequests()));
            m.put("minuteTokens", window(h.minuteTokens()));
            m.put("dayRequests", window(h.dayRequests()));
            m.put("runoutSeconds", h.runoutSeconds());
            m.put("runoutAt", h.runoutSeconds() < 0 ? null : now + h.runoutSeconds() * 1000);
            m.put("dayEndsSeconds", h.dayEndsSeconds());
            models.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("now", now);
        out.put("models", models);
        return out;
    }

    private static Map<String, Object> window(QuotaBudgets.Window w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("projects", w.projects());
        m.put("limit", w.projects() == 0 ? null : w.limit());
        m.put("used", w.projects() == 0 ? null : w.used());
        m.put("headroom", w.projects() == 0 ? null : w.headroom());
        return m;
    }
}
