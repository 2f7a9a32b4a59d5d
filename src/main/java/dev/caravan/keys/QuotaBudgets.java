package dev.caravan.keys;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

import dev.caravan.config.QuotaLimits;

/**
 * The pool's budgets per (project, model) (README "Quotas", pacing): a pick takes a request from the budget of the
 * key's project, and a key whose project has no room left for the model is not eligible, like a cooling one. The
 * limits are QUOTA_LIMITS' until a 429's {@code quotaValue} names Google's own for that (project, model, dimension). A
 * model with no known limit is not counted and not paced (a pick then costs one map look-up).
 *
 * <p>Input tokens are estimated at pick time as a quarter of the request body's bytes ({@link #estimateTokens}: JSON
 * around English text runs near 4 bytes a token, and an image's base64 far above, so the estimate errs on the safe
 * side for media), and corrected by Google's {@code usageMetadata.promptTokenCount} once the answer is read.
 *
 * <p>Thread-safe: the table is read through a supplier at each use (QUOTA_LIMITS saved on the admin page applies at
 * once); budgets lock only themselves.
 */
public final class QuotaBudgets {

    private final PacificDay day;
    private volatile Supplier<Map<String, QuotaLimits>> table = Map::of;
    private volatile long minuteMillis = 60_000;

    QuotaBudgets(PacificDay day) {
        this.day = day;
    }

    /** QUOTA_LIMITS, read at each use. */
    public void configure(Supplier<Map<String, QuotaLimits>> limits) {
        this.table = limits == null ? Map::of : limits;
    }

    /**
     * QUOTA_MINUTE_SECONDS: the length of Google's per-minute window, 60; only a benchmark whose stub compresses time
     * sets less. Read at start: budgets made before keep theirs.
     */
    public void minuteSeconds(int seconds) {
        this.minuteMillis = Math.max(1, seconds) * 1000L;
    }

    /** The length of Google's per-minute window, in ms (QUOTA_MINUTE_SECONDS). */
    long minuteMillis() {
        return minuteMillis;
    }

    /** Estimated input tokens of a request body of {@code bytes} bytes: one token per 4 bytes, at least 1. */
    public static long estimateTokens(long bytes) {
        return bytes <= 0 ? 0 : Math.max(1, (bytes + 3) / 4);
    }

    private QuotaLimits configured(String model) {
        QuotaLimits q = table.get().get(model);
        return q == null ? QuotaLimits.UNKNOWN : q;
    }

    /** The budget that paces {@code model} in {@code p}, or null when no limit of it is known. */
    Budget of(Project p, String model) {
        if (model == null) {
            return null;
        }
        Budget b = p.budget(model);
        if (b != null) {
            return b;
        }
        return table.get().containsKey(model) ? p.budgetFor(model, minuteMillis) : null;
    }

    /**
     * How many requests for {@code model} the project could take by {@code until}: {@link Long#MAX_VALUE} when no known
     * limit paces it (a key of it may serve any number of requests).
     */
    long takeableBy(Project p, String model, long now, long until) {
        Budget b = of(p, model);
        if (b == null) {
            return Long.MAX_VALUE;
        }
        Budget.Limits l = limits(b, model);
        if (l.rpd() <= 0) {
            // a day limit another project of the pool was refused at: a request waits only for the day it may have
            Long guess = dayGuess.get(model);
            if (guess != null) {
                l = new Budget.Limits(l.rpm(), l.tpm(), guess);
            }
        }
        return l.paces() ? b.takeableBy(l, now, day.of(now), until) : Long.MAX_VALUE;
    }

    /**
     * Per model, the lowest day limit Google named for any project of the pool. Only the waiting admission uses it for
     * projects whose own day limit is unknown (it never paces them: another project may be of a higher tier), so that
     * a request is not promised a day that is likely spent. Bounded by the models that have budgets.
     */
    private final Map<String, Long> dayGuess = new java.util.concurrent.ConcurrentHashMap<>();

    /** The limits in force for a budget of {@code model}. */
    Budget.Limits limits(Budget b, String model) {
        QuotaLimits q = configured(model);
        return b.limits(q.rpm(), q.tpm(), q.rpd());
    }

    /** Takes one request of {@code tokens} from the project's budget for the model: false when it has no room. */
    boolean take(Project p, String model, long now, long tokens) {
        Budget b = of(p, model);
        return b == null || b.tryTake(limits(b, model), now, day.of(now), tokens);
    }

    /** When the project's budget for the model has room for a request of {@code tokens} again: now when it has. */
    long freeAt(Project p, String model, long now, long tokens) {
        Budget b = of(p, model);
        return b == null ? now : b.freeAt(limits(b, model), now, day.of(now), day.endOf(now), tokens);
    }

    /**
     * Learns the limits Google named in a quota 429 for the project of the key that got it.
     *
     * @return whether a limit changed (requests held back by a lower one may go now; room promised to waiting
     *         requests under an unknown or higher one may be gone, which they must hear at once)
     */
    boolean learn(Project p, String model, QuotaSignal signal) {
        boolean rose = false;
        for (QuotaSignal.Violation v : signal.violations()) {
            String m = model != null ? model : v.model();
            if (m == null || v.value() <= 0 || v.dimension() == QuotaSignal.Dimension.OTHER) {
                continue;
            }
            Budget b = p.budgetFor(m, minuteMillis);
            if (b != null) {
                rose |= b.learn(v.dimension(), v.value());
                if (v.dimension() == QuotaSignal.Dimension.REQUESTS_PER_DAY && dayGuess.size() < 1024) {
                    Long before = dayGuess.get(m);
                    // a day limit named for the first time (or lower) bounds every project's waits at once
                    rose |= !java.util.Objects.equals(before, dayGuess.merge(m, v.value(), Math::min));
                }
            }
        }
        return rose;
    }

    /**
     * Aligns the project's minute for the model with Google's window, when the 429 told when it resets (README
     * "Quotas", pacing): read at {@code readAt} for a call sent at {@code sentAt} (0: unknown).
     *
     * @return whether the project's windows moved
     */
    boolean align(Project p, String model, QuotaSignal signal, long sentAt, long readAt) {
        long latest = signal.minuteResetAtMillis();
        if (model == null || latest < 0) {
            return false;
        }
        Budget b = of(p, model);
        if (b != null) {
            // Google answered between the call's sending and the answer's reading: its reset lies that much apart
            long took = sentAt > 0 && sentAt <= readAt ? readAt - sentAt : 0;
            return b.align(latest - took, latest);
        }
        return false;
    }

    /**
     * Google's {@code usageMetadata.promptTokenCount} for a request that {@code key} served, picked at {@code pickedAt}
     * and counted at {@code estimated} tokens: its project's minute counts the real number from now on.
     */
    public static void promptTokens(ApiKey key, String model, long pickedAt, long now, long estimated, long actual) {
        Budget b = model == null || key == null ? null : key.project().budget(model);
        if (b != null && actual >= 0 && actual != estimated) {
            b.correct(pickedAt, now, actual - estimated);
        }
    }

    /**
     * Per model with a known budget: the headroom left across the projects of keys in rotation, and when the day's
     * would run out at the last minute's rate. Costs a pass over the keys (for scrapes and the admin page only).
     */
    List<Headroom> headroom(Collection<ApiKey> keys, long now) {
        Map<Project, Boolean> projects = new IdentityHashMap<>();
        for (ApiKey k : keys) {
            if (k.inRotation()) {
                projects.put(k.project(), Boolean.TRUE);
            }
        }
        TreeSet<String> models = new TreeSet<>(table.get().keySet());
        for (Project p : projects.keySet()) {
            for (Map.Entry<String, Budget> e : p.budgets().entrySet()) {
                if (e.getValue().learned() || table.get().containsKey(e.getKey())) {
                    models.add(e.getKey());
                }
            }
        }
        long today = day.of(now);
        long dayEnd = day.endOf(now);
        List<Headroom> out = new ArrayList<>(models.size());
        for (String model : models) {
            Sum minute = new Sum();
            Sum tokens = new Sum();
            Sum days = new Sum();
            long dayRate = 0;
            for (Project p : projects.keySet()) {
                Budget b = p.budget(model);
                Budget.Limits l = b != null ? limits(b, model) : new Budget(minuteMillis).limits(
                        configured(model).rpm(), configured(model).tpm(), configured(model).rpd());
                Budget.Use u = b != null ? b.use(now, today) : new Budget.Use(0, 0, 0);
                minute.add(l.rpm(), u.minuteRequests());
                tokens.add(l.tpm(), u.minuteTokens());
                days.add(l.rpd(), u.dayRequests());
                if (l.rpd() > 0) {
                    dayRate += u.minuteRequests();
                }
            }
            long runout = -1;
            if (days.projects > 0 && dayRate > 0) {
                // the day's headroom spent at the last minute's pace (requests per 60 s)
                long seconds = days.headroom() * (minuteMillis / 1000) / dayRate;
                if (now + seconds * 1000 < dayEnd) {
                    runout = seconds;
                }
            }
            out.add(new Headroom(model, projects.size(), minute.view(), tokens.view(), days.view(), runout,
                    Math.max(0, (dayEnd - now) / 1000)));
        }
        return out;
    }

    /** One window summed over the projects whose limit of it is known. */
    private static final class Sum {
        int projects;
        long limit;
        long used;
        long left;

        void add(long lim, long spent) {
            if (lim > 0) {
                projects++;
                limit += lim;
                used += spent;
                left += Math.max(0, lim - spent);
            }
        }

        long headroom() {
            return left;
        }

        Window view() {
            return projects == 0 ? Window.UNKNOWN : new Window(projects, limit, used, left);
        }
    }

    /** One window of a model's budgets: projects with a known limit, their limits and use summed, the room left. */
    public record Window(int projects, long limit, long used, long headroom) {
        public static final Window UNKNOWN = new Window(0, -1, -1, -1);
    }

    /**
     * A model's budgets across the pool's projects in rotation.
     *
     * @param runoutSeconds  when the day's requests would run out at the last minute's rate; -1 when not before Google's
     *                       day ends (or no rate, or no known day limit)
     * @param dayEndsSeconds seconds until Pacific midnight, when the day's budgets start again
     */
    public record Headroom(String model, int projects, Window minuteRequests, Window minuteTokens, Window dayRequests,
                           long runoutSeconds, long dayEndsSeconds) {
    }
}
