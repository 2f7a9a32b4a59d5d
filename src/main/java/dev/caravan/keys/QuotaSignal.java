package dev.caravan.keys;

import java.util.List;

/**
 * What Google's error said about quotas and projects beyond the verdict itself: the project it named
 * ({@code ErrorInfo.metadata.consumer}, e.g. {@code projects/123}) and each {@code QuotaFailure} violation with its
 * limit ({@code quotaValue}). Immutable.
 */
public record QuotaSignal(String consumer, List<Violation> violations, long minuteResetAtMillis) {

    /**
     * @param minuteResetAtMillis when a per-minute quota named by the 429 resets (epoch ms): when the answer was read
     *                            plus its RetryInfo.retryDelay; -1 when the 429 named no per-minute quota or no delay
     */
    public QuotaSignal {
    }

    public QuotaSignal(String consumer, List<Violation> violations) {
        this(consumer, violations, -1);
    }

    /** One violated quota: which dimension, its id, the model it is for, and its limit (-1 when Google did not say). */
    public record Violation(Dimension dimension, String quotaId, String model, long value) {
    }

    /** The dimensions of Google's per-project limits. */
    public enum Dimension {
        REQUESTS_PER_MINUTE, INPUT_TOKENS_PER_MINUTE, REQUESTS_PER_DAY, OTHER;

        /** The dimension a quotaId (and metric) names. */
        public static Dimension of(String quotaId, String metric) {
            String q = quotaId == null ? "" : quotaId;
            String m = metric == null ? "" : metric;
            if (q.contains("PerDay")) {
                return q.contains("Token") ? OTHER : REQUESTS_PER_DAY;
            }
            if (q.contains("PerMinute")) {
                return q.contains("Token") || m.contains("token") ? INPUT_TOKENS_PER_MINUTE : REQUESTS_PER_MINUTE;
            }
            return OTHER;
        }
    }

    public static final QuotaSignal NONE = new QuotaSignal(null, List.of());
}
