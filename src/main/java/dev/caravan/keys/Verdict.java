package dev.caravan.keys;

/**
 * The meaning of one upstream attempt for the key that made it, as decided by the error classifier (DESIGN §3).
 *
 * @param kind          what happened
 * @param untilMillis   for cool-downs: when the (key, model) pair may be used again (epoch milliseconds)
 * @param evidence      what Google said
 * @param signal        the project Google named and the quotas it said were violated, with their limits
 */
public record Verdict(Kind kind, long untilMillis, Evidence evidence, QuotaSignal signal) {

    /** A verdict without quota details. */
    public Verdict(Kind kind, long untilMillis, Evidence evidence) {
        this(kind, untilMillis, evidence, QuotaSignal.NONE);
    }

    public Verdict {
        signal = signal == null ? QuotaSignal.NONE : signal;
    }

    /** The outcomes of DESIGN §3 plus the ones that only a gateway sees. */
    public enum Kind {
        SUCCESS(false),
        /** 429 per-minute (or per-day, or unknown period) quota: the (key, model) pair cools. */
        QUOTA_COOLDOWN(true),
        /** 429 whose limit is 0: the model is not available to this key. */
        MODEL_UNAVAILABLE(true),
        /** 429 without details: shared-capacity throttling, a short pause that is no strike. */
        THROTTLED(true),
        KEY_INVALID(true),
        KEY_SUSPENDED(true),
        KEY_DISABLED(true),
        /** 400/404 and other answers that are the caller's own mistake: passed on, the key untouched. */
        CLIENT_ERROR(false),
        /** 5xx, connection error or timeout before the first byte: a strike, and another key may do better. */
        UPSTREAM_FAILURE(true),
        /** The stream broke after bytes reached the client: a strike, but nothing may be retried. */
        STREAM_BROKEN(false),
        /** The client went away: the attempt is dropped without blaming the key. */
        CLIENT_GONE(false),
        /** The circuit breaker is open: Google is failing as a whole, so no key is blamed or tried. */
        BREAKER_OPEN(false),
        /**
         * The request could not be sent at all (the HTTP client refused its path or a header): nothing reached Google,
         * so no key is blamed, and another key would be refused the same way.
         */
        NOT_SENT(false),
        /**
         * Caravan was stopping and the answer outlasted SHUTDOWN_TIMEOUT_SECONDS: the gateway ended the call, so no
         * key is blamed and nothing is tried again.
         */
        CUT_AT_SHUTDOWN(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        /** Whether another key may succeed where this one failed. */
        public boolean retryable() {
            return retryable;
        }

        /**
         * Whether Google refused the key itself at once, before any work on the request (a quota, an invalid or
         * suspended key): such a refusal does not spend the client's attempts while other keys remain.
         */
        public boolean refusedKey() {
            return switch (this) {
                case QUOTA_COOLDOWN, MODEL_UNAVAILABLE, THROTTLED, KEY_INVALID, KEY_SUSPENDED, KEY_DISABLED -> true;
                default -> false;
            };
        }
    }

    public boolean retryable() {
        return kind.retryable();
    }
}
