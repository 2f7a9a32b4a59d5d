package dev.caravan.upstream;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;

/**
 * A warning an operator must see, about something a request may cause again and again: logged at most once per
 * period with how often it happened since the last line, so a client repeating it cannot flood the log. The text is
 * fixed by the caller; nothing of the request goes in it. Thread-safe.
 */
final class OccasionalWarning {

    private static final long NEVER = Long.MIN_VALUE;

    private final Logger log;
    private final String text;
    private final long periodNanos;
    private final LongAdder since = new LongAdder();
    /** System.nanoTime from which the next line may be written; {@link #NEVER} before the first. */
    private final AtomicLong nextAt = new AtomicLong(NEVER);

    /** @param text the whole warning, without placeholders: it must not carry a client's string or a secret */
    OccasionalWarning(Logger log, String text, long period, TimeUnit unit) {
        this.log = log;
        this.text = text;
        this.periodNanos = unit.toNanos(period);
    }

    /** Counts one occurrence and logs the warning if the period since the last line has passed. */
    void happened() {
        since.increment();
        long now = System.nanoTime();
        long next = nextAt.get();
        if (next != NEVER && now - next < 0) {
            return;
        }
        // one thread wins the line; the others' occurrences are counted in the next one
        if (!nextAt.compareAndSet(next, now + periodNanos)) {
            return;
        }
        long count = since.sumThenReset();
        log.warn("{} ({} time(s) since this was last logged; logged at most every {} s)", text, count,
                TimeUnit.NANOSECONDS.toSeconds(periodNanos));
    }
}
