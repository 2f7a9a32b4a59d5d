package dev.caravan.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.support.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * An address that made too many wrong tries is refused until the oldest of them is a minute old, and told how
 * long that is; other addresses are not affected.
 */
class GuessThrottleForgetsGuessesAfterAMinuteTest {

    private final ManualClock clock = new ManualClock(1_000_000L);
    private final GuessThrottle throttle = new GuessThrottle(3, GuessThrottle.WINDOW_MS, clock);

    @Test
    void refusesUntilTheOldestTryIsAMinuteOld() {
        throttle.failed("203.0.113.7");
        clock.advance(10_000);
        throttle.failed("203.0.113.7");
        throttle.failed("203.0.113.7");

        assertThat(throttle.retryAfterSeconds("203.0.113.7")).isEqualTo(50);
        assertThat(throttle.retryAfterSeconds("203.0.113.8")).isZero();
        clock.advance(49_999);
        assertThat(throttle.retryAfterSeconds("203.0.113.7")).isEqualTo(1);
        clock.advance(1);
        assertThat(throttle.retryAfterSeconds("203.0.113.7")).as("the first try left the window").isZero();
    }

    @Test
    void allowsFewerTriesThanTheLimit() {
        throttle.failed("203.0.113.9");
        throttle.failed("203.0.113.9");

        assertThat(throttle.retryAfterSeconds("203.0.113.9")).isZero();
    }
}
