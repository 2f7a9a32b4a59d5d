package dev.caravan.upstream;

import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.ops.CaravanMetrics;
import dev.caravan.keys.Verdict;
import dev.caravan.models.KnownModels;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * After each attempt: decides what Google's answer means for the key (through the classifier), tells the pool,
 * and decides whether the request tries another key. A retry needs a retryable verdict, attempts left under
 * MAX_RETRIES, and no stream bytes sent to the client yet. Thread-safe.
 */
public final class FailoverDecision implements Processor {

    private final UpstreamErrorClassifier classifier;
    private final KeyRoundRobin pool;
    private final IntSupplier maxRetries;
    private final LongSupplier clock;
    private final CaravanMetrics metrics;
    private final KnownModels models;
    /** MAX_REJECTED_KEYS: keys refused at once that one call may walk past beyond MAX_RETRIES. */
    private volatile IntSupplier maxRejectedKeys = () -> 0;

    /** @param models learns the models Google answered for, so they get their own label (may be null) */
    public FailoverDecision(UpstreamErrorClassifier classifier, KeyRoundRobin pool, IntSupplier maxRetries,
                            LongSupplier clock, CaravanMetrics metrics, KnownModels models) {
        this.classifier = classifier;
        this.pool = pool;
        this.maxRetries = maxRetries;
        this.clock = clock;
        this.metrics = metrics;
        this.models = models;
    }

    @Override
    public void process(Exchange exchange) {
        RequestContext ctx = RequestContext.of(exchange);
        Verdict v = ctx.verdict();
        if (v == null) {
            v = judge(ctx.result());
            ctx.verdict(v);
        }
        if (ctx.key() != null) {
            KeyRoundRobin keys = ctx.keyPool() != null ? ctx.keyPool() : pool;
            if (models != null && answeredForTheModel(v) && models.learn(ctx.model())) {
                // the pick counted this attempt as "other", before the model had a name of its own
                keys.recountUse(ctx.key(), ctx.model(), KnownModels.OTHER);
            }
            keys.record(ctx.key(), ctx.model(), v, ctx.tokensTakenAt());
        }
        if (metrics != null) {
            metrics.attempt(v);
        }
        if (v.kind() != Verdict.Kind.QUOTA_COOLDOWN && v.kind() != Verdict.Kind.THROTTLED) {
            // a key that only paused may serve this request again after a wait for it; others may not
            ctx.barAfterWait();
        }
        // a key Google refused at once spent none of the client's attempts: the next key is tried while healthy ones
        // remain (the pick finds none otherwise), up to MAX_REJECTED_KEYS such keys
        boolean budgetLeft;
        if (v.kind().refusedKey() && ctx.key() != null) {
            ctx.refusedKey();
            budgetLeft = ctx.refusedKeys() <= maxRejectedKeys.getAsInt() ? ctx.countedAttempts() < maxRetries.getAsInt()
                    : ctx.attempts() < maxRetries.getAsInt();
        } else {
            budgetLeft = ctx.countedAttempts() < maxRetries.getAsInt();
        }
        // a piped body (an upload) was consumed by its attempt: it cannot be sent again
        ctx.again(v.retryable() && !ctx.committed() && ctx.bodyStream() == null && budgetLeft);
    }

    /** MAX_REJECTED_KEYS, read at each decision (an operator may change it). */
    public FailoverDecision rejectedKeysUpTo(IntSupplier max) {
        this.maxRejectedKeys = max;
        return this;
    }

    /** Google answered as for a model it has: a success, or a quota of that model (an unknown one gets a 404). */
    private static boolean answeredForTheModel(Verdict v) {
        return switch (v.kind()) {
            case SUCCESS, QUOTA_COOLDOWN, MODEL_UNAVAILABLE -> true;
            default -> false;
        };
    }

    private Verdict judge(UpstreamResult r) {
        long now = clock.getAsLong();
        if (r.status() == 499) {
            return new Verdict(Verdict.Kind.CLIENT_GONE, 0, null);
        }
        if (r.committed() && r.failure() != null) {
            return new Verdict(Verdict.Kind.STREAM_BROKEN, 0, new dev.caravan.keys.Evidence(200, "STREAM_BROKEN", null, now));
        }
        Buffer body = r.body();
        return classifier.classify(r.status(), body == null || r.status() < 300 ? null : body.getBytes(), now);
    }
}
