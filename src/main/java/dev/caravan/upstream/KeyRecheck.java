package dev.caravan.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyCheckCall;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.KeyState;
import dev.caravan.keys.Verdict;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-key steps of the scheduled re-check of one pool (routes/maintenance.camel.yaml; one bean per pool, the
 * route of each pool making its own check call): which keys are due (invalid, suspended or disabled, but not by an
 * operator's choice), the request that proves one (only the key, in {@code x-goog-api-key}), and what the answer
 * means: 200 puts the key back into rotation, and so does a 404 (Google took the key but serves no TEST_MODEL, which
 * is logged as a warning); a key error refreshes its evidence; anything else (5xx, 429, no answer) leaves it as it was
 * until the next re-check. Thread-safe; the route runs one key at a time.
 */
public final class KeyRecheck {

    private static final Logger LOG = LoggerFactory.getLogger(KeyRecheck.class);
    private static final String TALLY = "caravanRecheckTally";

    private final KeyRoundRobin pool;
    private final UpstreamErrorClassifier classifier;
    private final LongSupplier clock;
    /** What the log adds to "key" to name the pool: "" for the Gemini pool, " of the Vertex pool" for that one. */
    private final String ofPool;

    /** What one run found; shared by the split's copies of the exchange. */
    private static final class Tally {
        final AtomicInteger checked = new AtomicInteger();
        final AtomicInteger back = new AtomicInteger();
        /** Keys whose check found no TEST_MODEL at Google (404): proven all the same, but the setting is stale. */
        final AtomicInteger modelNotServed = new AtomicInteger();
    }

    public KeyRecheck(KeyRoundRobin pool, UpstreamErrorClassifier classifier, LongSupplier clock) {
        this(pool, classifier, clock, "");
    }

    /** @param ofPool what the log adds to "key" to name the pool, e.g. " of the Vertex pool" */
    public KeyRecheck(KeyRoundRobin pool, UpstreamErrorClassifier classifier, LongSupplier clock, String ofPool) {
        this.pool = pool;
        this.classifier = classifier;
        this.clock = clock;
        this.ofPool = ofPool;
    }

    /** The keys to re-check now; the body of the route's split. */
    public List<ApiKey> due(Exchange exchange) {
        exchange.setProperty(TALLY, new Tally());
        List<ApiKey> due = new ArrayList<>();
        for (ApiKey k : pool.keys()) {
            if (k.state() != KeyState.ACTIVE && !k.manuallyDisabled()) {
                due.add(k);
            }
        }
        return due;
    }

    /** Makes the message the re-check request of the key in the body: no header but the key. */
    public void prepare(Exchange exchange) {
        KeyCheckCall.prepare(exchange);
    }

    /** Reads Google's answer to the re-check. */
    public void judge(Exchange exchange) {
        KeyCheckCall.Answer answer = KeyCheckCall.read(exchange);
        ApiKey key = answer.key();
        int status = answer.status();
        byte[] body = answer.body();
        tally(exchange).checked.incrementAndGet();
        if (answer.modelNotServed()) {
            tally(exchange).modelNotServed.incrementAndGet();
        }
        if (answer.keyAccepted()) {
            KeyState was = key.state();
            // an operator may have disabled (or deleted) the key since it was found due: their word stands
            if (pool.recover(key)) {
                tally(exchange).back.incrementAndGet();
                LOG.info("Key {}{} is back in rotation: it was {} and now answers {}", key.fingerprint(), ofPool, was,
                        status);
            }
            return;
        }
        Verdict v = classifier.classify(status, body, clock.getAsLong());
        switch (v.kind()) {
            case KEY_INVALID, KEY_SUSPENDED, KEY_DISABLED -> pool.record(key, null, v);
            default -> LOG.debug("Key {}{} re-check answered {}: left as {}", key.fingerprint(), ofPool, status, key.state());
        }
    }

    /** Google could not be reached for this key: it stays as it is. */
    public void unreachable(Exchange exchange) {
        ApiKey key = KeyCheckCall.read(exchange).key();
        tally(exchange).checked.incrementAndGet();
        LOG.debug("Key {}{} re-check could not reach Google", key == null ? "?" : key.fingerprint(), ofPool);
    }

    /** One line per run, when there was anything to re-check. */
    public void summary(Exchange exchange) {
        Tally t = tally(exchange);
        exchange.getMessage().setBody(null);
        if (t.checked.get() > 0) {
            LOG.info("Re-checked {} key(s){} out of rotation: {} back in rotation", t.checked.get(), ofPool,
                    t.back.get());
        }
        if (t.modelNotServed.get() > 0) {
            // a stale TEST_MODEL would otherwise go unnoticed: the keys still come back, on Google's word that it
            // took them
            LOG.warn("Google serves no TEST_MODEL any more (HTTP 404 to {} key check(s){}): the keys were taken as "
                    + "proven, since Google refuses a bad key before it looks a model up; set TEST_MODEL to a model "
                    + "Google lists", t.modelNotServed.get(), ofPool);
        }
    }

    private static Tally tally(Exchange exchange) {
        Tally t = exchange.getProperty(TALLY, Tally.class);
        return t == null ? new Tally() : t;
    }
}
