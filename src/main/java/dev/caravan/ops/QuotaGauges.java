package dev.caravan.ops;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.QuotaBudgets;
import dev.caravan.models.KnownModels;

/**
 * The pool's budgets as Prometheus gauges, per model (README "Quotas", pacing):
 * {@code caravan_quota_headroom{model,window}} (requests left this minute, input tokens left this minute, requests
 * left today, summed over the projects in rotation whose limit is known; NaN when none is) and
 * {@code caravan_quota_runout_seconds{model}} (when today's requests run out at the last minute's rate; -1 when not
 * before Google's day ends). A snapshot is taken every {@link #REFRESH_MILLIS} (a pass over the keys), so a scrape
 * costs nothing; a model gets its gauges the first time a snapshot has it. Model labels are bounded as every metric's
 * ({@link KnownModels}): a model the gateway does not know is left to the admin page. Thread-safe.
 */
public final class QuotaGauges {

    public static final long REFRESH_MILLIS = 5_000;

    private final KeyRoundRobin pool;
    private final CaravanMetrics metrics;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private volatile Map<String, QuotaBudgets.Headroom> last = Map.of();

    public QuotaGauges(KeyRoundRobin pool, CaravanMetrics metrics) {
        this.pool = pool;
        this.metrics = metrics;
        refresh();
    }

    /** Takes a new snapshot and registers the gauges of models seen for the first time. */
    public void refresh() {
        List<QuotaBudgets.Headroom> rows = pool.headroom();
        Map<String, QuotaBudgets.Headroom> byLabel = new java.util.HashMap<>();
        for (QuotaBudgets.Headroom h : rows) {
            String label = metrics.modelLabel(h.model());
            if (!label.equals(KnownModels.OTHER) && label.equals(h.model())) {
                byLabel.put(label, h);
            }
        }
        last = byLabel;
        for (String model : byLabel.keySet()) {
            if (registered.add(model)) {
                register(model);
            }
        }
    }

    private void register(String model) {
        String help = "Room left in the budgets of the pool's projects for a model, by window (NaN: no limit known)";
        metrics.gauge("caravan_quota_headroom", help, () -> window(model, "minute"), "model", model, "window", "minute");
        metrics.gauge("caravan_quota_headroom", help, () -> window(model, "minute_tokens"), "model", model,
                "window", "minute_tokens");
        metrics.gauge("caravan_quota_headroom", help, () -> window(model, "day"), "model", model, "window", "day");
        metrics.gauge("caravan_quota_runout_seconds",
                "Seconds until today's requests for a model run out at the last minute's rate (-1: not before Pacific midnight)",
                () -> {
                    QuotaBudgets.Headroom h = last.get(model);
                    return h == null ? Double.NaN : h.runoutSeconds();
                }, "model", model);
    }

    private Number window(String model, String window) {
        QuotaBudgets.Headroom h = last.get(model);
        if (h == null) {
            return Double.NaN;
        }
        QuotaBudgets.Window w = switch (window) {
            case "minute" -> h.minuteRequests();
            case "minute_tokens" -> h.minuteTokens();
            default -> h.dayRequests();
        };
        return w.projects() == 0 ? Double.NaN : w.headroom();
    }
}
