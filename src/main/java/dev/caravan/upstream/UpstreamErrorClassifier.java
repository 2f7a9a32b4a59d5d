package dev.caravan.upstream;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.keys.Evidence;
import dev.caravan.keys.Verdict;
import dev.caravan.keys.Verdict.Kind;

/**
 * Decides what an upstream answer means for the key that got it: the table of DESIGN §3. Reads Google's error
 * envelope in both shapes (an object, and the one-element array of Google's OpenAI surface) and its details
 * ({@code QuotaFailure}, {@code RetryInfo}, {@code ErrorInfo}). Stateless apart from its settings; thread-safe.
 */
public final class UpstreamErrorClassifier {

    /** Google resets daily quotas at midnight Pacific time. */
    static final ZoneId QUOTA_ZONE = ZoneId.of("America/Los_Angeles");
    private static final long DEFAULT_QUOTA_COOLDOWN_MS = 60_000;
    /** Seconds (at most 12 digits, Duration's range) and up to 9 fractional digits. */
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(?:\\.(\\d{1,9}))?s");

    private final ObjectMapper json;
    private final long throttleMillis;
    private final long unavailableMillis;

    /**
     * @param throttleMillis    pause after a 429 without details (shared-capacity throttling)
     * @param unavailableMillis exclusion of a (key, model) pair whose quota limit is 0
     */
    public UpstreamErrorClassifier(ObjectMapper json, long throttleMillis, long unavailableMillis) {
        this.json = json;
        this.throttleMillis = throttleMillis;
        this.unavailableMillis = unavailableMillis;
    }

    /**
     * @param status the HTTP status, or 0 for a connection error or timeout
     * @param body   the answer's bytes (may be null or not JSON)
     * @param now    epoch milliseconds
     */
    public Verdict classify(int status, byte[] body, long now) {
        if (status >= 200 && status < 300) {
            return new Verdict(Kind.SUCCESS, 0, null);
        }
        GoogleError err = GoogleError.parse(json, body);
        Evidence ev = new Evidence(status, err.reason != null ? err.reason : err.status, err.quotaId, now);
        if (status == 0 || status == 408 || status >= 500) {
            return new Verdict(Kind.UPSTREAM_FAILURE, 0, ev);
        }
        if (status == 429) {
            return quota(err, ev, now);
        }
        if (status == 401 || "API_KEY_INVALID".equals(err.reason) || "API_KEY_EXPIRED".equals(err.reason)) {
            return new Verdict(Kind.KEY_INVALID, 0, ev);
        }
        if (status == 403) {
            Kind kind = "CONSUMER_SUSPENDED".equals(err.reason) ? Kind.KEY_SUSPENDED : Kind.KEY_DISABLED;
            return new Verdict(kind, 0, ev);
        }
        return new Verdict(Kind.CLIENT_ERROR, 0, ev);
    }

    private Verdict quota(GoogleError err, Evidence ev, long now) {
        if (err.limitZero) {
            return new Verdict(Kind.MODEL_UNAVAILABLE, now + unavailableMillis, ev);
        }
        String q = err.quotaId;
        if (q != null && q.contains("PerDay")) {
            return new Verdict(Kind.QUOTA_COOLDOWN, nextPacificMidnight(now), ev);
        }
        if (q != null || err.retryDelayMillis >= 0) {
            long delay = err.retryDelayMillis >= 0 ? err.retryDelayMillis : DEFAULT_QUOTA_COOLDOWN_MS;
            return new Verdict(Kind.QUOTA_COOLDOWN, now + delay, ev);
        }
        return new Verdict(Kind.THROTTLED, now + throttleMillis, ev);
    }

    static long nextPacificMidnight(long now) {
        LocalDate today = Instant.ofEpochMilli(now).atZone(QUOTA_ZONE).toLocalDate();
        return today.plusDays(1).atStartOfDay(QUOTA_ZONE).toInstant().toEpochMilli();
    }

    /** The parts of Google's error envelope that matter to the pool. */
    static final class GoogleError {
        String status;
        String reason;
        String quotaId;
        boolean limitZero;
        long retryDelayMillis = -1;

        static GoogleError parse(ObjectMapper json, byte[] body) {
            GoogleError e = new GoogleError();
            if (body == null || body.length == 0) {
                return e;
            }
            JsonNode root;
            try {
                root = json.readTree(body);
            } catch (Exception notJson) {
                return e;
            }
            if (root == null) {
                return e;
            }
            if (root.isArray()) {
                root = root.path(0);
            }
            JsonNode error = root.path("error");
            e.status = text(error.path("status"));
            String message = error.path("message").asText("");
            if (message.contains("limit: 0,") || message.endsWith("limit: 0")) {
                e.limitZero = true;
            }
            for (JsonNode d : error.path("details")) {
                String type = d.path("@type").asText("");
                if (type.endsWith("google.rpc.ErrorInfo")) {
                    e.reason = text(d.path("reason"));
                } else if (type.endsWith("google.rpc.QuotaFailure")) {
                    for (JsonNode v : d.path("violations")) {
                        if (e.quotaId == null) {
                            e.quotaId = text(v.path("quotaId"));
                        }
                        if ("0".equals(v.path("quotaValue").asText())) {
                            e.limitZero = true;
                        }
                    }
                } else if (type.endsWith("google.rpc.RetryInfo")) {
                    e.retryDelayMillis = parseDuration(d.path("retryDelay").asText(""));
                }
            }
            return e;
        }

        private static String text(JsonNode n) {
            return n.isTextual() ? n.asText() : null;
        }

        /**
         * A protobuf Duration in JSON: decimal seconds with an "s" suffix, e.g. "27s" or "0.250s", as whole
         * milliseconds rounded up; -1 when it is not one. Integer arithmetic: a double turns "2.007s" into 2008 ms.
         */
        static long parseDuration(String s) {
            Matcher m = DURATION.matcher(s);
            if (!m.matches()) {
                return -1;
            }
            long millis = Long.parseLong(m.group(1)) * 1000;
            String fraction = m.group(2);
            if (fraction != null) {
                long nanos = Long.parseLong((fraction + "00000000").substring(0, 9));
                millis += (nanos + 999_999) / 1_000_000;
            }
            return millis;
        }
    }
}
