package dev.caravan.ops;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.KeyState;
import dev.caravan.keys.Verdict;
import dev.caravan.models.KnownModels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Caravan's own meters, next to the JVM's (Camel's per-route policy is off): requests by surface, model and status, their duration,
 * upstream attempts by outcome, keys by state, cool-downs by reason and tokens by model and kind. No label ever
 * holds a key or a token. Model names come from clients, so the model label is a model the gateway knows
 * ({@link KnownModels}: configured, listed by Google or answered by Google) or "other": a client inventing names
 * cannot grow the series. Thread-safe; meters are created once and cached.
 */
public final class CaravanMetrics {

    private final MeterRegistry registry;
    private final KnownModels models;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<ModelKey, Timer> timers = new ConcurrentHashMap<>();
    private final Map<RequestKey, Counter> requests = new ConcurrentHashMap<>();
    private final Map<ModelKey, Counter> tokens = new ConcurrentHashMap<>();
    private final Map<Verdict.Kind, Counter> attempts = new ConcurrentHashMap<>();

    /** The labels of caravan_requests_total: every request looks its counter up by one. */
    private record RequestKey(String surface, String model, int status) {
    }

    /** Two labels, one of them a model: caravan_request_duration by surface, caravan_tokens_total by kind. */
    private record ModelKey(String other, String model) {
    }

    // the makers of computeIfAbsent, made once: a lambda written at each call would capture its labels and be allocated
    // for every request, whether or not its meter exists
    private final Function<RequestKey, Counter> newRequestCounter = k -> Counter.builder("caravan_requests_total")
            .description("Client requests")
            .tags("surface", k.surface(), "model", k.model(), "status", String.valueOf(k.status()))
            .register(registry());
    private final Function<ModelKey, Timer> newRequestTimer = k -> Timer.builder("caravan_request_duration")
            .description("Client request duration")
            .tags("surface", k.other(), "model", k.model())
            .publishPercentileHistogram()
            .register(registry());
    private final Function<ModelKey, Counter> newTokenCounter = k -> Counter.builder("caravan_tokens_total")
            .description("Tokens by model and kind")
            .tags("model", k.model(), "kind", k.other())
            .register(registry());
    private final Function<Verdict.Kind, Counter> newAttemptCounter = k -> counter("caravan_upstream_attempts_total",
            "Upstream attempts by outcome", "outcome", k.name().toLowerCase(java.util.Locale.ROOT));

    /** The registry, for the meter makers above: a field initializer's lambda may not name a final field yet. */
    private MeterRegistry registry() {
        return registry;
    }

    public CaravanMetrics(MeterRegistry registry, KeyRoundRobin pool, KnownModels models) {
        this.registry = registry;
        this.models = models;
        for (KeyState state : KeyState.values()) {
            Gauge.builder("caravan_keys", pool, p -> count(p, state))
                    .description("Keys in the pool by state")
                    .tag("state", state.name().toLowerCase())
                    .register(registry);
        }
        // what the admin page shows as "cooling": an alert on "every key paused" needs it beside the states
        Gauge.builder("caravan_keys_cooling", pool, p -> cooling(p, System.currentTimeMillis()))
                .description("Active keys with at least one model paused by a quota now (counted as active too)")
                .register(registry);
    }

    private static double cooling(KeyRoundRobin pool, long now) {
        int n = 0;
        for (ApiKey k : pool.keys()) {
            if (k.state() == KeyState.ACTIVE && k.pausedAt(now)) {
                n++;
            }
        }
        return n;
    }

    /** Gauges of another pool's keys by state, e.g. {@code caravan_vertex_keys{state}} for the Vertex Express pool. */
    public void poolGauges(String name, String description, KeyRoundRobin pool) {
        for (KeyState state : KeyState.values()) {
            Gauge.builder(name, pool, p -> count(p, state))
                    .description(description)
                    .tag("state", state.name().toLowerCase())
                    .register(registry);
        }
    }

    private static double count(KeyRoundRobin pool, KeyState state) {
        int n = 0;
        for (ApiKey k : pool.keys()) {
            if (k.state() == state) {
                n++;
            }
        }
        return n;
    }

    /** One client request finished with {@code status} after {@code nanos}. */
    public void request(String surface, String model, int status, long nanos) {
        String m = model(model);
        // looked up by a small key object: no label string is built for a request whose meters exist already
        requests.computeIfAbsent(new RequestKey(surface, m, status), newRequestCounter).increment();
        timers.computeIfAbsent(new ModelKey(surface, m), newRequestTimer).record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * One request refused before its token was accepted, on {@code surface}; {@code reason} is missing, wrong or
     * throttled (TokenVerifier.Refusal). Counted every time, while the log keeps only a sample of them.
     */
    public void unauthenticated(String surface, String reason) {
        counter("caravan_unauthenticated_total", "Requests refused for a missing or wrong client token, or throttled for guessing",
                "surface", surface, "reason", reason).increment();
    }

    /** One upstream attempt and what it meant. */
    public void attempt(Verdict verdict) {
        attempts.computeIfAbsent(verdict.kind(), newAttemptCounter).increment();
        String reason = cooldownReason(verdict);
        if (reason != null) {
            counter("caravan_key_cooldowns_total", "Key cool-downs by reason", "reason", reason).increment();
        }
    }

    /** Tokens Google counted for a request: kind is prompt, completion or thought. */
    public void tokens(String model, String kind, long count) {
        if (count > 0) {
            String m = model(model);
            tokens.computeIfAbsent(new ModelKey(kind, m), newTokenCounter).increment(count);
        }
    }

    static String cooldownReason(Verdict v) {
        return switch (v.kind()) {
            case QUOTA_COOLDOWN -> v.evidence() != null && v.evidence().quotaId() != null
                    && v.evidence().quotaId().contains("PerDay") ? "per_day" : "per_minute";
            case MODEL_UNAVAILABLE -> "limit_zero";
            case THROTTLED -> "throttled";
            default -> null;
        };
    }

    private String model(String model) {
        if (model == null || model.isEmpty()) {
            return "none";
        }
        return models.label(model);
    }

    private Counter counter(String name, String description, String... tags) {
        StringBuilder key = new StringBuilder(name);
        for (String t : tags) {
            key.append('|').append(t);
        }
        return counters.computeIfAbsent(key.toString(),
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    // --- Quotas (issue 14): waiting requests, pool pauses, headroom ---

    /** A gauge read from {@code value} at each scrape (it must be cheap and thread-safe). */
    public void gauge(String name, String description, java.util.function.Supplier<Number> value, String... tags) {
        Gauge.builder(name, value, v -> {
            Number n = v.get();
            return n == null ? Double.NaN : n.doubleValue();
        }).description(description).tags(tags).strongReference(true).register(registry);
    }

    /**
     * A counter read from {@code owner} at each scrape (a monotonic count kept there; cheap and thread-safe). The
     * registry holds {@code owner} weakly: it must live as long as Caravan, as the beans in the Camel registry do.
     */
    public <T> void functionCounter(String name, String description, T owner, java.util.function.ToDoubleFunction<T> total) {
        io.micrometer.core.instrument.FunctionCounter.builder(name, owner, total).description(description).register(registry);
    }

    /** Counts one event of {@code name} with its tags (label values must be bounded). */
    public void count(String name, String description, String... tags) {
        counter(name, description, tags).increment();
    }

    /** The label a model gets in Caravan's metrics: a known model, "other" or "none". */
    public String modelLabel(String model) {
        return model(model);
    }
}
