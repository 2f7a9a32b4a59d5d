package dev.caravan.keys;

/**
 * What an upstream answer said when it changed a key's state: kept so an operator can see why a key is out of
 * rotation. Never holds a key or a token.
 *
 * @param status  the HTTP status Google answered (0 for a connection failure or timeout)
 * @param reason  Google's {@code ErrorInfo.reason} or {@code error.status}, or a short word of ours
 * @param quotaId the {@code QuotaFailure.violations[].quotaId} when there was one
 * @param atMillis when it happened (epoch milliseconds)
 */
public record Evidence(int status, String reason, String quotaId, long atMillis) {
}
