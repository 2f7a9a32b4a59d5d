package dev.caravan.keys;

/**
 * One (project, model) budget as Google counts it (README "Quotas", pacing): requests and estimated input tokens per
 * minute, and requests on Google's day (Pacific). The minute is a rolling one until Google tells when its window
 * resets: a per-minute 429's RetryInfo.retryDelay ends the window ({@link #align}), and from then on the budget counts
 * fixed minutes from that reset, as Google's windows are, so that a window that reset at Google is full no longer. A
 * request taken shortly before a reset (a slot, a sixtieth of a minute, or the round trip the last 429 took, whichever
 * is longer) counts in both windows: on its way it may reach Google after the reset. The limits in force are Google's own {@code quotaValue} where
 * a 429 told it ({@link #learn}), else the operator's QUOTA_LIMITS; -1 where neither is known (that dimension does not
 * pace).
 *
 * <p>The minute is a ring of 60 one-second slots, so a check or a take costs 60 slot reads at most, whatever the
 * traffic. Thread-safe: each operation holds this budget's lock for those few reads only (never across I/O).
 */
public final class Budget {

    /** Limits learned from Google's 429s (-1: not learned), per dimension. */
    private volatile long learnedRpm = -1;
    private volatile long learnedTpm = -1;
    private volatile long learnedRpd = -1;

    /** A sixtieth of Google's minute, rounded up: 1,000 ms (a benchmark that compresses time shortens it, QUOTA_MINUTE_SECONDS). */
    private final long slotMillis;
    private final long minuteMillis;
    /** Slots kept: a minute and the slots before a fixed window that spill into it (a quarter of a minute at most). */
    private static final int RING = 80;
    private final long[] seconds = new long[RING];
    private final int[] requests = new int[RING];
    private final long[] tokens = new long[RING];
    /** A moment Google's minute window reset (epoch ms), or Long.MIN_VALUE while unknown (the minute then rolls). */
    private long anchor = Long.MIN_VALUE;
    /**
     * How long before a reset a request taken may still reach Google after it, so counts in both windows: at least a
     * slot, else how uncertain the last 429 left the reset (its call's round trip), halving as later ones are surer.
     */
    private long guardMillis;
    private long day = Long.MIN_VALUE;
    private long dayRequests;
    /** Of {@link #dayRequests}, how many the replicas' shared count of the day already has (README "Scale out"). */
    private long dayShared;
    /** The day's requests of the other replicas, as of the last shared count. */
    private long dayOthers;

    Budget(long minuteMillis) {
        // rounded up: sixty slots never make a rolling minute shorter than Google's (10 s compressed: 60 × 167 ms)
        this.slotMillis = Math.max(1, (minuteMillis + 59) / 60);
        this.minuteMillis = Math.max(1, minuteMillis);
    }

    /**
     * Google said when the project's minute window for the model resets: somewhere in {@code [earliest, latest]}, the
     * retryDelay of a per-minute 429 added to when its call was sent and to when its answer was read (Google answered
     * in between). The minute then counts fixed windows from a reset no earlier than Google's: the one it counted
     * already while that lies in the new interval (a later 429 that was merely read later moves nothing), else
     * {@code latest} (Google's windows are not where the budget thought).
     *
     * @return whether the windows moved (then the budget may free sooner than the pool remembered)
     */
    synchronized boolean align(long earliest, long latest) {
        long uncertain = Math.max(0, latest - earliest);
        guardMillis = Math.min(minuteMillis / 4, Math.max(uncertain, guardMillis / 2));
        if (anchor == Long.MIN_VALUE || Math.floorMod(anchor - earliest, minuteMillis) > uncertain) {
            anchor = latest;
            return true;
        }
        return false;
    }

    /** Whether the minute counts Google's fixed windows (a per-minute 429 told when one resets). */
    synchronized boolean aligned() {
        return anchor != Long.MIN_VALUE;
    }

    /** The start of the fixed window that {@code now} falls in (anchored budgets only). */
    private long windowStart(long now) {
        return anchor + Math.floorDiv(now - anchor, minuteMillis) * minuteMillis;
    }

    /** Requests counted in the fixed window starting at {@code start}: its own, and the last slot's before it. */
    private long requestsFrom(long start) {
        long n = 0;
        for (int i = 0; i < RING; i++) {
            if (inWindow(seconds[i], start)) {
                n += requests[i];
            }
        }
        return n;
    }

    private long tokensFrom(long start) {
        long n = 0;
        for (int i = 0; i < RING; i++) {
            if (inWindow(seconds[i], start)) {
                n += tokens[i];
            }
        }
        return n;
    }

    /** Whether slot {@code s} counts in the window from {@code start}: it ends within the guard before the start, or later. */
    private boolean inWindow(long s, long start) {
        return (s + 1) * slotMillis > start - Math.max(slotMillis, guardMillis) && s * slotMillis < start + minuteMillis;
    }

    /** The minute's requests as of {@code now}: the fixed window's when aligned, else the rolling minute's. */
    private long minuteRequests(long now) {
        long second = now / slotMillis;
        return anchor != Long.MIN_VALUE ? requestsFrom(windowStart(now)) : requestsIn(second, second);
    }

    private long minuteTokens(long now) {
        return anchor != Long.MIN_VALUE ? tokensFrom(windowStart(now)) : tokensIn(now / slotMillis);
    }

    /** The limits in force, given the operator's for the model (or {@link dev.caravan.config.QuotaLimits#UNKNOWN}). */
    public Limits limits(long rpm, long tpm, long rpd) {
        return new Limits(learnedRpm > 0 ? learnedRpm : rpm, learnedTpm > 0 ? learnedTpm : tpm,
                learnedRpd > 0 ? learnedRpd : rpd);
    }

    /** Requests per minute, input tokens per minute, requests per day; -1 where unknown. */
    public record Limits(long rpm, long tpm, long rpd) {
        public boolean paces() {
            return rpm > 0 || tpm > 0 || rpd > 0;
        }
    }

    /** What the budget has spent as of a moment: the rolling minute's requests and tokens, and the day's requests. */
    public record Use(long minuteRequests, long minuteTokens, long dayRequests) {
    }

    /**
     * Sets a limit Google named in a 429's QuotaFailure ({@code quotaValue} &gt; 0).
     *
     * @return whether the limit changed (then a request held back by the old one may go now, or the room promised to
     *         waiting requests may be gone)
     */
    boolean learn(QuotaSignal.Dimension dimension, long value) {
        if (value <= 0) {
            return false;
        }
        long old;
        switch (dimension) {
            case REQUESTS_PER_MINUTE -> {
                old = learnedRpm;
                learnedRpm = value;
            }
            case INPUT_TOKENS_PER_MINUTE -> {
                old = learnedTpm;
                learnedTpm = value;
            }
            case REQUESTS_PER_DAY -> {
                old = learnedRpd;
                learnedRpd = value;
            }
            default -> {
                return false;
            }
        }
        // a new or higher limit may free room; a new or lower one may take room promised to waiting requests
        return value != old;
    }

    /**
     * A budget made when Google first told a limit counted nothing of the day before it: it starts from the day's
     * requests counted elsewhere (the project's keys' attempts), unless it counted more already.
     */
    synchronized void dayAlready(long today, long requests) {
        rollDay(today);
        dayRequests = Math.max(dayRequests, requests);
    }

    /** Whether Google taught this budget any limit. */
    boolean learned() {
        return learnedRpm > 0 || learnedTpm > 0 || learnedRpd > 0;
    }

    /**
     * Counts one request of {@code estimatedTokens} at {@code now} if the limits leave room for it.
     *
     * @param today Google's day of {@code now} ({@link PacificDay#of})
     * @return whether it fitted (and was counted)
     */
    synchronized boolean tryTake(Limits l, long now, long today, long estimatedTokens) {
        if (!fits(l, now, today, estimatedTokens)) {
            return false;
        }
        long second = now / slotMillis;
        int i = (int) (second % RING);
        if (seconds[i] != second) {
            seconds[i] = second;
            requests[i] = 0;
            tokens[i] = 0;
        }
        requests[i]++;
        tokens[i] += Math.max(0, estimatedTokens);
        dayRequests++;
        return true;
    }

    private boolean fits(Limits l, long now, long today, long estimatedTokens) {
        rollDay(today);
        if (l.rpd > 0 && dayRequests + dayOthers >= l.rpd) {
            return false;
        }
        if (l.rpm <= 0 && l.tpm <= 0) {
            return true;
        }
        long reqs = minuteRequests(now);
        long toks = minuteTokens(now);
        if (l.rpm > 0 && reqs >= l.rpm) {
            return false;
        }
        // a request larger than the whole minute's tokens goes once the minute is empty (Google then decides)
        return l.tpm <= 0 || toks == 0 || toks + estimatedTokens <= l.tpm;
    }

    /** Requests of the seconds in the minute of {@code second} that are still in the minute of {@code stillAt}. */
    private long requestsIn(long second, long stillAt) {
        long n = 0;
        for (int i = 0; i < RING; i++) {
            if (second - seconds[i] < 60 && stillAt - seconds[i] < 60) {
                n += requests[i];
            }
        }
        return n;
    }

    /** Estimated tokens of the seconds in the minute of {@code second}. */
    private long tokensIn(long second) {
        long n = 0;
        for (int i = 0; i < RING; i++) {
            if (second - seconds[i] < 60) {
                n += tokens[i];
            }
        }
        return n;
    }

    private void rollDay(long today) {
        if (day != today) {
            day = today;
            dayRequests = 0;
            dayShared = 0;
            dayOthers = 0;
        }
    }

    /**
     * When a request of {@code estimatedTokens} would fit again, in epoch milliseconds: {@code now} when it fits now.
     *
     * @param dayEnd when Google's day of {@code now} ends (Pacific midnight)
     */
    synchronized long freeAt(Limits l, long now, long today, long dayEnd, long estimatedTokens) {
        if (fits(l, now, today, estimatedTokens)) {
            return now;
        }
        if (l.rpd > 0 && dayRequests + dayOthers >= l.rpd) {
            return dayEnd;
        }
        if (anchor != Long.MIN_VALUE) {
            // Google's window resets at once: the next one has room but for what spills into it
            long next = windowStart(now) + minuteMillis;
            return fitsFrom(l, next, estimatedTokens) ? next : next + minuteMillis;
        }
        // the minute frees as its oldest seconds leave it: walk them oldest first until the request fits
        long second = now / slotMillis;
        long reqs = requestsIn(second, second);
        long toks = tokensIn(second);
        for (long s = second - 59; s <= second; s++) {
            int i = (int) (s % RING);
            if (seconds[i] != s) {
                continue;
            }
            reqs -= requests[i];
            toks -= tokens[i];
            boolean rpmOk = l.rpm <= 0 || reqs < l.rpm;
            boolean tpmOk = l.tpm <= 0 || toks == 0 || toks + estimatedTokens <= l.tpm;
            if (rpmOk && tpmOk) {
                return (s + 60) * slotMillis;
            }
        }
        return (second + 60) * slotMillis;
    }

    /** Whether the fixed window from {@code start} has room for a request, counting what spills into it. */
    private boolean fitsFrom(Limits l, long start, long estimatedTokens) {
        long toks = tokensFrom(start);
        return (l.rpm <= 0 || requestsFrom(start) < l.rpm)
                && (l.tpm <= 0 || toks == 0 || toks + estimatedTokens <= l.tpm);
    }

    /**
     * How many requests (tokens aside) the budget could take by {@code until}, within what the day has left: when
     * aligned, the current window's room and a whole minute's for each reset by then; else the rolling minute's room
     * once the seconds older than a minute before {@code until} have left it.
     */
    synchronized long takeableBy(Limits l, long now, long today, long until) {
        rollDay(today);
        long room = Long.MAX_VALUE;
        if (l.rpd > 0) {
            room = Math.max(0, l.rpd - dayRequests - dayOthers);
        }
        if (l.rpm > 0 && anchor != Long.MIN_VALUE) {
            long start = windowStart(now);
            long minute = Math.max(0, l.rpm - requestsFrom(start));
            // a wait is seconds long: a few windows at most (bounded all the same)
            for (int w = 1; w <= 1_000 && start + w * minuteMillis <= until; w++) {
                minute += Math.max(0, l.rpm - (w == 1 ? requestsFrom(start + minuteMillis) : 0));
            }
            room = Math.min(room, minute);
        } else if (l.rpm > 0) {
            long untilSecond = until / slotMillis;
            long second = now / slotMillis;
            long stay = requestsIn(second, untilSecond);
            room = Math.min(room, Math.max(0, l.rpm - stay));
        }
        return room;
    }

    /**
     * Corrects the tokens counted for a request picked at {@code pickedAt} by {@code delta} (Google's
     * {@code promptTokenCount} less the estimate), while that second is still in the minute.
     */
    synchronized void correct(long pickedAt, long now, long delta) {
        long second = pickedAt / slotMillis;
        int i = (int) (second % RING);
        if (seconds[i] == second && now / slotMillis - second < 60) {
            tokens[i] = Math.max(0, tokens[i] + delta);
        }
    }

    /** What the budget spent as of {@code now}. */
    synchronized Use use(long now, long today) {
        rollDay(today);
        return new Use(minuteRequests(now), minuteTokens(now), dayRequests + dayOthers);
    }

    // --- Replicas (README "Scale out"): the day's requests of every replica, counted in the shared store ---

    /**
     * This replica's requests of Google's day {@code today} that the shared count does not have yet, now marked as
     * given to it (0 on a new day).
     */
    public synchronized long takeUnshared(long today) {
        rollDay(today);
        long n = dayRequests - dayShared;
        dayShared = dayRequests;
        return n;
    }

    /** The shared count could not take {@code n} requests of {@code today}: they are given again next time. */
    public synchronized void giveBack(long today, long n) {
        if (day == today) {
            dayShared = Math.max(0, dayShared - n);
        }
    }

    /** The shared count of {@code today}, every replica's requests: what is not this replica's is the others'. */
    public synchronized void sharedCount(long today, long total) {
        if (day == today) {
            dayOthers = Math.max(0, total - dayShared);
        }
    }
}
