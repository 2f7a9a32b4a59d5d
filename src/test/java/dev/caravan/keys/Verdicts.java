package dev.caravan.keys;

import java.util.ArrayList;
import java.util.List;

import dev.caravan.keys.Verdict.Kind;

/** Verdicts as the classifier would hand them to the pool, for tests that drive key state directly. */
final class Verdicts {

    private Verdicts() {
    }

    static Verdict of(Kind kind, int status, String reason, long now) {
        return new Verdict(kind, 0, new Evidence(status, reason, null, now));
    }

    static Verdict invalid(long now) {
        return of(Kind.KEY_INVALID, 400, "API_KEY_INVALID", now);
    }

    static Verdict suspended(long now) {
        return of(Kind.KEY_SUSPENDED, 403, "CONSUMER_SUSPENDED", now);
    }

    static Verdict disabled(long now) {
        return of(Kind.KEY_DISABLED, 403, "SERVICE_DISABLED", now);
    }

    static Verdict upstreamFailure(long now) {
        return of(Kind.UPSTREAM_FAILURE, 503, "UNAVAILABLE", now);
    }

    static Verdict success() {
        return new Verdict(Kind.SUCCESS, 0, null);
    }

    static Verdict coolUntil(long untilMillis, long now) {
        return new Verdict(Kind.QUOTA_COOLDOWN, untilMillis,
                new Evidence(429, "RESOURCE_EXHAUSTED", "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", now));
    }

    /** Secrets "key-00000", "key-00001", ... in pool order. */
    static List<String> secrets(int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(String.format("key-%05d", i));
        }
        return out;
    }
}
