package dev.caravan.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyCheckCall;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.KeyState;
import dev.caravan.keys.Verdict;
import dev.caravan.upstream.UpstreamErrorClassifier;
import org.apache.camel.Exchange;

/**
 * "Verify now" on the Keys view: the steps of the {@code admin-verify-keys} route (and, for the Vertex pool, of
 * {@code admin-verify-vertex-keys}), which asks Google about each chosen key with its pool's scheduled re-check call
 * ({@code GET {BASE_URL}/models/{TEST_MODEL}}, or Vertex's {@code countTokens} of TEST_MODEL: each proves the key and
 * spends no generation quota); one bean per pool. A key that answers 200 and was out of rotation by Google's verdict goes back in; a
 * key error (invalid, suspended, API disabled) takes it out with the new evidence; an operator's disable stays;
 * anything else (429, 5xx, no answer) is reported and changes nothing. Thread-safe; the split may run keys in
 * parallel.
 */
public final class AdminKeyCheck {

    private static final String RESULTS = "caravanVerifyResults";

    private final KeyRoundRobin pool;
    private final UpstreamErrorClassifier classifier;
    private final ObjectMapper json;
    private final LongSupplier clock;

    public AdminKeyCheck(KeyRoundRobin pool, UpstreamErrorClassifier classifier, ObjectMapper json, LongSupplier clock) {
        this.pool = pool;
        this.classifier = classifier;
        this.json = json;
        this.clock = clock;
    }

    /** Before the split: a place for the results that every key's copy of the exchange shares. */
    public void start(Exchange exchange) {
        exchange.setProperty(RESULTS, new ConcurrentLinkedQueue<Map<String, Object>>());
    }

    /** Makes the message the check of the key in the body: no header but the key. */
    public void prepare(Exchange exchange) {
        KeyCheckCall.prepare(exchange);
    }

    /** Reads Google's answer for one key. */
    public void judge(Exchange exchange) {
        KeyCheckCall.Answer answer = KeyCheckCall.read(exchange);
        ApiKey key = answer.key();
        int status = answer.status();
        byte[] body = answer.body();
        String outcome;
        if (answer.keyAccepted()) {
            if (key.manuallyDisabled()) {
                outcome = "valid; still disabled by an operator";
            } else if (key.state() != KeyState.ACTIVE) {
                // recover, not reset: an operator's disable that came meanwhile stands
                outcome = pool.recover(key) ? "valid; back in rotation" : "valid; still disabled by an operator";
            } else {
                outcome = "valid";
            }
            if (answer.modelNotServed()) {
                outcome += " (but Google serves no TEST_MODEL any more: HTTP 404; set TEST_MODEL to a model it lists)";
            }
        } else {
            Verdict v = classifier.classify(status, body, clock.getAsLong());
            outcome = switch (v.kind()) {
                case KEY_INVALID, KEY_SUSPENDED, KEY_DISABLED -> {
                    pool.record(key, null, v);
                    yield "refused by Google: " + (v.evidence() == null ? v.kind().name() : v.evidence().reason());
                }
                case QUOTA_COOLDOWN, MODEL_UNAVAILABLE, THROTTLED -> "valid, but Google is limiting it (HTTP " + status + ")";
                default -> "no verdict: Google answered HTTP " + status;
            };
        }
        results(exchange).add(result(key, status, outcome));
    }

    /** Google could not be reached for this key: nothing changes. */
    public void unreachable(Exchange exchange) {
        ApiKey key = KeyCheckCall.read(exchange).key();
        results(exchange).add(result(key, 0, "no verdict: Google could not be reached"));
    }

    /** After the split: the answer, one line per key. */
    public void report(Exchange exchange) {
        List<Map<String, Object>> out = new ArrayList<>(results(exchange));
        AdminKeys.Targets t = exchange.getProperty(AdminKeys.TARGETS, AdminKeys.Targets.class);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action", "verify");
        body.put("results", out);
        body.put("unknown", t == null ? List.of() : t.unknown());
        AdminReply.json(exchange, json, 200, body);
    }

    private static Map<String, Object> result(ApiKey key, int status, String outcome) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("fingerprint", key.fingerprint());
        r.put("mask", key.mask());
        r.put("status", status);
        r.put("outcome", outcome);
        r.put("state", key.state().name());
        return r;
    }

    @SuppressWarnings("unchecked")
    private static Queue<Map<String, Object>> results(Exchange exchange) {
        Queue<Map<String, Object>> q = exchange.getProperty(RESULTS, Queue.class);
        return q == null ? new ConcurrentLinkedQueue<>() : q;
    }
}
