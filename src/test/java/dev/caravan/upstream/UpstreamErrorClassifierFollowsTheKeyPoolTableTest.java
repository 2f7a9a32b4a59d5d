package dev.caravan.upstream;

import static dev.caravan.support.GoogleBodies.arrayEnvelope;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.keys.Verdict;
import dev.caravan.keys.Verdict.Kind;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of DESIGN §3, with Google's real bodies in both envelopes (an object, and the one-element array of
 * Google's OpenAI surface): what the answer means for the key, until when it pauses, and the evidence kept.
 */
class UpstreamErrorClassifierFollowsTheKeyPoolTableTest {

    static final long NOW = Instant.parse("2025-06-10T12:00:00Z").toEpochMilli();
    static final long THROTTLE_MS = 5_000;
    static final long UNAVAILABLE_MS = 24 * 3_600_000L;
    /** The cap on Google's RetryInfo.retryDelay. */
    static final long ONE_DAY = 24 * 3_600_000L;
    static final String PER_MINUTE = "GenerateRequestsPerMinutePerProjectPerModel-FreeTier";
    static final String PER_DAY = "GenerateRequestsPerDayPerProjectPerModel-FreeTier";
    /** The next midnight in Los Angeles (PDT, UTC-7) after NOW. */
    static final long LA_MIDNIGHT = Instant.parse("2025-06-11T07:00:00Z").toEpochMilli();

    private final UpstreamErrorClassifier classifier = new UpstreamErrorClassifier(new ObjectMapper(), THROTTLE_MS, UNAVAILABLE_MS);

    /**
     * One row: the answer, then what the verdict must say. {@code until} is absolute (0 when nothing pauses);
     * {@code status} and {@code reason} are the evidence's.
     */
    record Row(String name, int status, String body, Kind kind, long until, String reason, String quotaId, boolean retryable) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Row> rows() {
        List<Row> rows = new ArrayList<>(List.of(
                new Row("2xx: success", 200, GoogleBodies.generateContent("hi"), Kind.SUCCESS, 0, null, null, false),
                new Row("429 per minute, retry in 27s", 429, GoogleBodies.quotaPerMinute("27s"),
                        Kind.QUOTA_COOLDOWN, NOW + 27_000, "RESOURCE_EXHAUSTED", PER_MINUTE, true),
                new Row("429 per minute, retry in 0.5s", 429, GoogleBodies.quotaPerMinute("0.5s"),
                        Kind.QUOTA_COOLDOWN, NOW + 500, "RESOURCE_EXHAUSTED", PER_MINUTE, true),
                new Row("429 per minute, retry in 1.234567s rounds up", 429, GoogleBodies.quotaPerMinute("1.234567s"),
                        Kind.QUOTA_COOLDOWN, NOW + 1_235, "RESOURCE_EXHAUSTED", PER_MINUTE, true),
                new Row("429 per minute, retry in 2.007s is exactly 2007 ms", 429, GoogleBodies.quotaPerMinute("2.007s"),
                        Kind.QUOTA_COOLDOWN, NOW + 2_007, "RESOURCE_EXHAUSTED", PER_MINUTE, true),
                new Row("429 per minute, retry in 0.000000001s rounds up to 1 ms", 429, GoogleBodies.quotaPerMinute("0.000000001s"),
                        Kind.QUOTA_COOLDOWN, NOW + 1, "RESOURCE_EXHAUSTED", PER_MINUTE, true),
                new Row("429 per minute, retry in one day exactly", 429, GoogleBodies.quotaPerMinute("86400s"),
                        Kind.QUOTA_COOLDOWN, NOW + ONE_DAY, "RESOURCE_EXHAUSTED", PER_MINUTE, true),
                new Row("429 per minute, retry in a day and a millisecond: capped at one day", 429,
                        GoogleBodies.quotaPerMinute("86400.001s"),
                        Kind.QUOTA_COOLDOWN, NOW + ONE_DAY, "RESOURCE_EXHAUSTED", PER_MINUTE, true),
                new Row("429 per minute, retry in 3,000 years: capped at one day", 429,
                        GoogleBodies.quotaPerMinute("99999999999s"),
                        Kind.QUOTA_COOLDOWN, NOW + ONE_DAY, "RESOURCE_EXHAUSTED", PER_MINUTE, true),
                new Row("429 per minute, retry in 999999999999.999999999s (the longest parsed): capped at one day", 429,
                        GoogleBodies.quotaPerMinute("999999999999.999999999s"),
                        Kind.QUOTA_COOLDOWN, NOW + ONE_DAY, "RESOURCE_EXHAUSTED", PER_MINUTE, true),
                new Row("429 per day: until midnight in Los Angeles, not retryDelay", 429, GoogleBodies.quotaPerDay(),
                        Kind.QUOTA_COOLDOWN, LA_MIDNIGHT, "RESOURCE_EXHAUSTED", PER_DAY, true),
                new Row("429 with 'limit: 0,' in the message", 429, GoogleBodies.quotaLimitZero(),
                        Kind.MODEL_UNAVAILABLE, NOW + UNAVAILABLE_MS, "RESOURCE_EXHAUSTED",
                        "GenerateContentInputTokensPerModelPerMinute-FreeTier", true),
                new Row("429 with quotaValue 0", 429, GoogleBodies.quotaPerMinute("27s").replace("\"quotaValue\": \"10\"", "\"quotaValue\": \"0\""),
                        Kind.MODEL_UNAVAILABLE, NOW + UNAVAILABLE_MS, "RESOURCE_EXHAUSTED", PER_MINUTE, true),
                new Row("429 without details: throttling", 429, GoogleBodies.throttled(),
                        Kind.THROTTLED, NOW + THROTTLE_MS, "RESOURCE_EXHAUSTED", null, true),
                new Row("400 API_KEY_INVALID", 400, GoogleBodies.keyInvalid(), Kind.KEY_INVALID, 0, "API_KEY_INVALID", null, true),
                new Row("403 CONSUMER_SUSPENDED", 403, GoogleBodies.forbidden("CONSUMER_SUSPENDED"),
                        Kind.KEY_SUSPENDED, 0, "CONSUMER_SUSPENDED", null, true),
                new Row("403 SERVICE_DISABLED", 403, GoogleBodies.forbidden("SERVICE_DISABLED"),
                        Kind.KEY_DISABLED, 0, "SERVICE_DISABLED", null, true),
                new Row("403 another reason", 403, GoogleBodies.forbidden("API_KEY_SERVICE_BLOCKED"),
                        Kind.KEY_DISABLED, 0, "API_KEY_SERVICE_BLOCKED", null, true),
                new Row("403 without details", 403, permissionDenied(), Kind.KEY_DISABLED, 0, "PERMISSION_DENIED", null, true),
                // a file (or tuned model) the request names that this key's project cannot reach: the client's doing
                new Row("403 for a file the request names", 403, fileDenied(), Kind.CLIENT_ERROR, 0, "PERMISSION_DENIED",
                        null, false),
                new Row("400 without a key reason", 400, GoogleBodies.badRequest(), Kind.CLIENT_ERROR, 0, "INVALID_ARGUMENT", null, false),
                new Row("404 unknown model", 404, GoogleBodies.notFound(), Kind.CLIENT_ERROR, 0, "NOT_FOUND", null, false),
                new Row("500", 500, GoogleBodies.internal(), Kind.UPSTREAM_FAILURE, 0, "INTERNAL", null, true),
                new Row("503", 503, GoogleBodies.unavailable(), Kind.UPSTREAM_FAILURE, 0, "UNAVAILABLE", null, true),
                new Row("504", 504, deadlineExceeded(), Kind.UPSTREAM_FAILURE, 0, "DEADLINE_EXCEEDED", null, true)));
        List<Row> arrays = new ArrayList<>();
        for (Row r : rows) {
            if (r.status() >= 400) {
                arrays.add(new Row(r.name() + " [array envelope]", r.status(), arrayEnvelope(r.body()), r.kind(), r.until(),
                        r.reason(), r.quotaId(), r.retryable()));
            }
        }
        rows.addAll(arrays);
        rows.add(new Row("status 0: connection error or timeout", 0, null, Kind.UPSTREAM_FAILURE, 0, null, null, true));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void classifiesAnswerAsDesignTableSaysWhenGoogleSends(Row row) {
        byte[] body = row.body() == null ? null : row.body().getBytes(StandardCharsets.UTF_8);

        Verdict v = classifier.classify(row.status(), body, NOW);

        assertThat(v.kind()).isEqualTo(row.kind());
        assertThat(v.untilMillis()).isEqualTo(row.until());
        assertThat(v.retryable()).isEqualTo(row.retryable());
        if (row.kind() == Kind.SUCCESS) {
            assertThat(v.evidence()).isNull();
        } else {
            assertThat(v.evidence()).isNotNull();
            assertThat(v.evidence().status()).isEqualTo(row.status());
            assertThat(v.evidence().reason()).isEqualTo(row.reason());
            assertThat(v.evidence().quotaId()).isEqualTo(row.quotaId());
            assertThat(v.evidence().atMillis()).isEqualTo(NOW);
        }
    }

    @Test
    void keepsThrottlingShortWhenGoogleSendsA429WithoutDetails() {
        Verdict v = classifier.classify(429, GoogleBodies.throttled().getBytes(StandardCharsets.UTF_8), NOW);

        assertThat(v.untilMillis() - NOW).isPositive().isLessThanOrEqualTo(10_000);
    }

    @Test
    void coolsForAQuotaEvenWhenGoogleSendsNoRetryDelay() {
        String body = GoogleBodies.quotaPerMinute("27s").replaceAll(",\\s*\\{\\s*\"@type\": \"type.googleapis.com/google.rpc.RetryInfo\"[^}]*}", "");
        assertThat(body).doesNotContain("RetryInfo");

        Verdict v = classifier.classify(429, body.getBytes(StandardCharsets.UTF_8), NOW);

        assertThat(v.kind()).isEqualTo(Kind.QUOTA_COOLDOWN);
        assertThat(v.untilMillis() - NOW).isBetween(1_000L, 60_000L);
    }

    @Test
    void warnsOfACappedRetryDelayOnceNotPerAnswerAndWithoutAnythingOfTheRequest() {
        UpstreamErrorClassifier fresh = new UpstreamErrorClassifier(new ObjectMapper(), THROTTLE_MS, UNAVAILABLE_MS);
        byte[] absurd = GoogleBodies.quotaPerMinute("99999999999s").getBytes(StandardCharsets.UTF_8);

        try (LogCapture log = LogCapture.warningsAndErrors()) {
            for (int i = 0; i < 50; i++) {
                assertThat(fresh.classify(429, absurd, NOW + i).untilMillis()).isEqualTo(NOW + i + ONE_DAY);
            }

            assertThat(log.lines()).filteredOn(l -> l.contains("retryDelay")).hasSize(1)
                    .allSatisfy(l -> assertThat(l).contains("capped at one day").contains("(1 time(s)").doesNotContain("99999999999"));
        }
    }

    @Test
    void keepsEvidenceWithinItsColumnsWhenGoogleSendsLongWords() {
        String body = GoogleBodies.keyInvalid().replace("API_KEY_INVALID", "R".repeat(10_000));

        Verdict v = classifier.classify(400, body.getBytes(StandardCharsets.UTF_8), NOW);

        assertThat(v.evidence().reason()).hasSize(128);
    }

    @Test
    void succeedsOnAnyTwoHundredWhenTheBodyIsEmpty() {
        for (int status : new int[] {200, 201, 204, 299}) {
            assertThat(classifier.classify(status, null, NOW).kind()).as("status %d", status).isEqualTo(Kind.SUCCESS);
        }
    }

    /** Whether another key may succeed where this one failed, per kind. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void retriesOnAnotherKeyOnlyWhenAnotherKeyMayHelpWhenTheVerdictIs(Kind kind) {
        boolean expected = switch (kind) {
            case QUOTA_COOLDOWN, MODEL_UNAVAILABLE, THROTTLED, KEY_INVALID, KEY_SUSPENDED, KEY_DISABLED, UPSTREAM_FAILURE -> true;
            case SUCCESS, CLIENT_ERROR, STREAM_BROKEN, CLIENT_GONE, BREAKER_OPEN, NOT_SENT, CUT_AT_SHUTDOWN -> false;
        };

        assertThat(kind.retryable()).isEqualTo(expected);
        assertThat(new Verdict(kind, 0, null).retryable()).isEqualTo(expected);
    }

    private static String permissionDenied() {
        return """
                {
                  "error": {
                    "code": 403,
                    "message": "Method doesn't allow unregistered callers (callers without established identity).",
                    "status": "PERMISSION_DENIED"
                  }
                }
                """;
    }

    private static String fileDenied() {
        return """
                {
                  "error": {
                    "code": 403,
                    "message": "You do not have permission to access the File abc123 or it may not exist.",
                    "status": "PERMISSION_DENIED"
                  }
                }
                """;
    }

    private static String deadlineExceeded() {
        return """
                {
                  "error": {
                    "code": 504,
                    "message": "Deadline expired before operation could complete.",
                    "status": "DEADLINE_EXCEEDED"
                  }
                }
                """;
    }
}
