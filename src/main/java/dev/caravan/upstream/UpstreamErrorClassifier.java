package dev.caravan.upstream;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.keys.Evidence;
import dev.caravan.keys.Verdict;
import dev.caravan.keys.Verdict.Kind;
import org.slf4j.LoggerFactory;

/**
 * Decides what an upstream answer means for the key that got it: the table of DESIGN §3. Reads Google's error
 * envelope in both shapes (an object, and the one-element array of Google's OpenAI surface) and its details
 * ({@code QuotaFailure}, {@code RetryInfo}, {@code ErrorInfo}). A retryDelay over {@link #MAX_RETRY_DELAY_MS} (one day)
 * is capped, with a warning at most once an hour. Stateless apart from its settings and that warning; thread-safe.
 */
public final class UpstreamErrorClassifier {

    /** Google resets daily quotas at midnight Pacific time. */
    static final ZoneId QUOTA_ZONE = ZoneId.of("America/Los_Angeles");
    private static final long DEFAULT_QUOTA_COOLDOWN_MS = 60_000;
    /**
     * The longest pause a RetryInfo.retryDelay may ask for: one day, as long as a daily quota can last. A larger
     * value (say "99999999999s", over three thousand years) would bench a good key for ever: it is capped, with a
     * warning.
     */
    static final long MAX_RETRY_DELAY_MS = 24 * 3_600_000L;
    /** Evidence is kept in key_state (reason VARCHAR(128), quota_id VARCHAR(255)) and shown to operators. */
    private static final int MAX_REASON = 128;
    private static final int MAX_QUOTA_ID = 255;
    /** Seconds (at most 12 digits, Duration's range) and up to 9 fractional digits. */
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(?:\\.(\\d{1,9}))?s");

    private final ObjectMapper json;
    private final long throttleMillis;
    private final long unavailableMillis;
    private final OccasionalWarning longRetryDelay = new OccasionalWarning(
            LoggerFactory.getLogger(UpstreamErrorClassifier.class),
            "Google asked a key to pause for more than a day (RetryInfo.retryDelay); the pause was capped at one day",
            1, TimeUnit.HOURS);

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
        Verdict v = judge(status, err, now);
        return err.consumer == null && err.violations.isEmpty() ? v
                : new Verdict(v.kind(), v.untilMillis(), v.evidence(),
                        new dev.caravan.keys.QuotaSignal(err.consumer, List.copyOf(err.violations), minuteReset(err, now)));
    }

    /**
     * When a per-minute quota the 429 names resets: Google's retryDelay is the time left in that window (also when the
     * 429 names the day's quota too); -1 without a per-minute quota or a retryDelay.
     */
    private static long minuteReset(GoogleError err, long now) {
        if (err.retryDelayMillis < 0 || err.retryDelayMillis > MAX_RETRY_DELAY_MS) {
            return -1;
        }
        for (dev.caravan.keys.QuotaSignal.Violation v : err.violations) {
            if (v.dimension() == dev.caravan.keys.QuotaSignal.Dimension.REQUESTS_PER_MINUTE
                    || v.dimension() == dev.caravan.keys.QuotaSignal.Dimension.INPUT_TOKENS_PER_MINUTE) {
                return now + err.retryDelayMillis;
            }
        }
        return -1;
    }

    private Verdict judge(int status, GoogleError err, long now) {
        Evidence ev = new Evidence(status, cut(err.reason != null ? err.reason : err.status, MAX_REASON),
                cut(err.quotaId, MAX_QUOTA_ID), now);
        if (status == 0 || status == 408 || status >= 500) {
            return new Verdict(Kind.UPSTREAM_FAILURE, 0, ev);
        }
        if (status == 429) {
            return quota(err, ev, now);
        }
        if (status == 401 || "API_KEY_INVALID".equals(err.reason) || "API_KEY_EXPIRED".equals(err.reason)) {
            return new Verdict(Kind.KEY_INVALID, 0, ev);
        }
        if (status == 403 && err.reason == null && err.resourceDenied) {
            // a file, cached content or tuned model the request names that this key's project cannot see (or that
            // does not exist): the client's, and no key may be struck for what a client sends
            return new Verdict(Kind.CLIENT_ERROR, 0, ev);
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
            if (delay > MAX_RETRY_DELAY_MS) {
                longRetryDelay.happened();
                delay = MAX_RETRY_DELAY_MS;
            }
            return new Verdict(Kind.QUOTA_COOLDOWN, now + delay, ev);
        }
        return new Verdict(Kind.THROTTLED, now + throttleMillis, ev);
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
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
        /** ErrorInfo.metadata.consumer when it names a project ("projects/123"). */
        String consumer;
        /**
         * A 403's message says the request named something the key's project cannot reach ("You do not have permission
         * to access the File x or it may not exist", a tuned model): the request's doing, not the key's.
         */
        boolean resourceDenied;
        final List<dev.caravan.keys.QuotaSignal.Violation> violations = new ArrayList<>(2);

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
            e.resourceDenied = message.startsWith("You do not have permission to access");
            for (JsonNode d : error.path("details")) {
                String type = d.path("@type").asText("");
                if (type.endsWith("google.rpc.ErrorInfo")) {
                    e.reason = text(d.path("reason"));
                    String consumer = d.path("metadata").path("consumer").asText("");
                    if (consumer.matches("projects/[0-9]{1,24}")) {
                        e.consumer = consumer;
                    }
                } else if (type.endsWith("google.rpc.QuotaFailure")) {
                    for (JsonNode v : d.path("violations")) {
                        // a day spent in the same minute as the minute's limit is listed after it: the day decides
                        String named = text(v.path("quotaId"));
                        if (e.quotaId == null || (named != null && named.contains("PerDay") && !e.quotaId.contains("PerDay"))) {
                            e.quotaId = named;
                        }
                        if ("0".equals(v.path("quotaValue").asText())) {
                            e.limitZero = true;
                        }
                        String id = text(v.path("quotaId"));
                        String value = v.path("quotaValue").asText("");
                        String model = v.path("quotaDimensions").path("model").asText("");
                        if (id != null && e.violations.size() < 8) {
                            e.violations.add(new dev.caravan.keys.QuotaSignal.Violation(
                                    dev.caravan.keys.QuotaSignal.Dimension.of(id, v.path("quotaMetric").asText("")),
                                    cut(id, MAX_QUOTA_ID), dev.caravan.models.ModelName.isValid(model) ? model : null,
                                    value.matches("[0-9]{1,15}") ? Long.parseLong(value) : -1));
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
