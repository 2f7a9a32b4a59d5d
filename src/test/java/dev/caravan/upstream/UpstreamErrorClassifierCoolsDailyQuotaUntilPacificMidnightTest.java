package dev.caravan.upstream;

import static dev.caravan.support.GoogleBodies.arrayEnvelope;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.keys.Verdict;
import dev.caravan.keys.Verdict.Kind;
import dev.caravan.support.GoogleBodies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A spent daily quota comes back when Google resets it, at midnight in Los Angeles, whatever retryDelay says;
 * across the edges of the day and the days the clocks change. Expected instants are written in UTC by hand.
 */
class UpstreamErrorClassifierCoolsDailyQuotaUntilPacificMidnightTest {

    private static final ZoneId LA = ZoneId.of("America/Los_Angeles");

    private final UpstreamErrorClassifier classifier = new UpstreamErrorClassifier(new ObjectMapper(), 5_000, 3_600_000);

    @ParameterizedTest(name = "{2}: {0} -> {1}")
    @CsvSource({
            "2025-06-11T06:59:59.999Z, 2025-06-11T07:00:00Z, one millisecond before midnight PDT",
            "2025-06-11T07:00:00Z,     2025-06-12T07:00:00Z, exactly midnight PDT waits a whole day",
            "2025-06-11T07:00:00.001Z, 2025-06-12T07:00:00Z, one millisecond after midnight PDT",
            "2025-06-10T23:59:59Z,     2025-06-11T07:00:00Z, just before midnight UTC is afternoon in LA",
            "2025-01-15T07:59:59Z,     2025-01-15T08:00:00Z, one second before midnight PST in winter",
            "2025-03-09T07:59:59Z,     2025-03-09T08:00:00Z, last second of the day before clocks go forward",
            "2025-03-09T09:30:00Z,     2025-03-10T07:00:00Z, 01:30 PST on the 23-hour day",
            "2025-03-09T10:30:00Z,     2025-03-10T07:00:00Z, 03:30 PDT just after clocks went forward",
            "2025-11-02T06:59:59Z,     2025-11-02T07:00:00Z, last second of the day before clocks go back",
            "2025-11-02T08:30:00Z,     2025-11-03T08:00:00Z, first 01:30 (PDT) on the 25-hour day",
            "2025-11-02T09:30:00Z,     2025-11-03T08:00:00Z, second 01:30 (PST) on the 25-hour day",
            "2025-12-31T23:00:00Z,     2026-01-01T08:00:00Z, new year's eve in LA",
    })
    void coolsUntilTheNextMidnightInLosAngelesWhenTheDailyQuotaIsSpentAt(String now, String expected, String when) {
        long nowMillis = Instant.parse(now).toEpochMilli();
        long expectedMillis = Instant.parse(expected).toEpochMilli();
        // the expectation is independent of the code under test; check it is a real LA midnight after now
        ZonedDateTime inLa = Instant.ofEpochMilli(expectedMillis).atZone(LA);
        assertThat(inLa.toLocalTime()).isEqualTo(LocalTime.MIDNIGHT);
        assertThat(inLa.toLocalDate()).isEqualTo(LocalDate.ofInstant(Instant.ofEpochMilli(nowMillis), LA).plusDays(1));

        for (String body : new String[] {GoogleBodies.quotaPerDay(), arrayEnvelope(GoogleBodies.quotaPerDay())}) {
            Verdict v = classifier.classify(429, body.getBytes(StandardCharsets.UTF_8), nowMillis);

            assertThat(v.kind()).isEqualTo(Kind.QUOTA_COOLDOWN);
            assertThat(v.untilMillis()).isEqualTo(expectedMillis);
            assertThat(v.untilMillis()).as("retryDelay 13s is ignored").isNotEqualTo(nowMillis + 13_000);
            assertThat(v.evidence().quotaId()).contains("PerDay");
        }
    }

    @Test
    void aSpentDayListedAfterASpentMinuteStillCoolsUntilMidnight() {
        // Google lists every violated quota; a day that ran out with its last minute full comes second
        String body = """
                {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "message": "Quota exceeded", "details": [
                  {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [
                    {"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                     "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                     "quotaDimensions": {"location": "global", "model": "gemini-2.5-flash"}, "quotaValue": "10"},
                    {"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                     "quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
                     "quotaDimensions": {"location": "global", "model": "gemini-2.5-flash"}, "quotaValue": "250"}]},
                  {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "13s"}]}}
                """;
        long now = Instant.parse("2025-06-11T12:00:00Z").toEpochMilli();

        Verdict v = classifier.classify(429, body.getBytes(StandardCharsets.UTF_8), now);

        assertThat(v.kind()).isEqualTo(Kind.QUOTA_COOLDOWN);
        assertThat(v.untilMillis()).isEqualTo(Instant.parse("2025-06-12T07:00:00Z").toEpochMilli());
        assertThat(v.evidence().quotaId()).contains("PerDay");
    }
}
