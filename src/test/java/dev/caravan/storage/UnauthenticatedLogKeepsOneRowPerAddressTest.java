package dev.caravan.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.caravan.support.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * Unauthenticated requests are sampled for the log: the first of each address, surface and status in an interval
 * gets its rows, the others are summed up when the interval ends; beyond {@value UnauthenticatedLog#MAX_ADDRESSES}
 * addresses an interval, the rest are summed up together, so a flood from many addresses is bounded too.
 */
class UnauthenticatedLogKeepsOneRowPerAddressTest {

    private final ManualClock clock = new ManualClock(1_000_000L);
    private final UnauthenticatedLog log = new UnauthenticatedLog(clock);

    @Test
    void admitsTheFirstOfAnAddressAndCountsTheRestUntilTheIntervalEnds() {
        assertThat(log.admit("203.0.113.7", "gemini", 401, "/v1beta/models")).isTrue();
        for (int i = 0; i < 9; i++) {
            assertThat(log.admit("203.0.113.7", "gemini", 401, "/v1beta/models/x")).isFalse();
        }
        assertThat(log.admit("203.0.113.7", "openai", 401, "/v1/models")).as("another surface").isTrue();
        assertThat(log.admit("203.0.113.8", "gemini", 401, "/v1beta/models")).as("another address").isTrue();
        clock.advance(60_000);

        List<UnauthenticatedLog.Summary> summaries = log.drain();

        assertThat(summaries).containsExactly(new UnauthenticatedLog.Summary("203.0.113.7", "gemini", 401,
                "/v1beta/models/x", 9, 1_000_000L, 1_060_000L));
        assertThat(log.admit("203.0.113.7", "gemini", 401, "/v1beta/models")).as("a new interval").isTrue();
        assertThat(log.drain()).isEmpty();
    }

    @Test
    void sumsUpAddressesBeyondTheLimitTogether() {
        int admitted = 0;
        for (int i = 0; i < UnauthenticatedLog.MAX_ADDRESSES + 50; i++) {
            if (log.admit("10.0." + i / 250 + "." + i % 250, "gemini", 401, "/v1beta/models")) {
                admitted++;
            }
        }

        assertThat(admitted).isEqualTo(UnauthenticatedLog.MAX_ADDRESSES);
        assertThat(log.drain()).singleElement().satisfies(s -> {
            assertThat(s.address()).isEqualTo(UnauthenticatedLog.OTHER_ADDRESSES);
            assertThat(s.count()).isEqualTo(50);
        });
    }
}
