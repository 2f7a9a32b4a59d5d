package dev.caravan.cluster;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import dev.caravan.keys.ApiKey;
import dev.caravan.keys.Budget;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.Project;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Adds up the day's requests of every replica per (project, model) budget (README "Scale out"), so that a per-day
 * budget (QUOTA_LIMITS' rpd, or the limit a 429 named) sees the pool's total rather than this replica's share.
 *
 * <p>Once a second, off the hot path, each budget that took requests since the last time adds them with one
 * {@code INCRBY} on a counter per (project, model, Google's day) that expires two days later; the total it answers
 * tells the budget the other replicas' share, and one {@code MGET} tells the other budgets theirs (one pipelined batch
 * per round, whose size grows with the budgets: projects times models with a known limit). Picks read only the local budget, which may lag the others by about a
 * second. When Redis is away the requests wait and are added once it is back. Runs on one Vert.x timer.
 */
public final class SharedDayCounts implements AutoCloseable {

    static final long PERIOD_MS = 1_000;
    private static final String EXPIRY_SECONDS = String.valueOf(2 * 24 * 3600);

    private final SharedStore store;
    private final Vertx vertx;
    private final KeyRoundRobin pool;
    private final String prefix;
    private final long timer;
    /** Whether a round is still waiting for Redis: a slow one is not overtaken. */
    private volatile boolean busy;

    public SharedDayCounts(SharedStore store, Vertx vertx, KeyRoundRobin pool, String poolName, String prefix) {
        this.store = store;
        this.vertx = vertx;
        this.pool = pool;
        this.prefix = prefix + "day:" + poolName + ":";
        this.timer = vertx.setPeriodic(PERIOD_MS, t -> round());
    }

    private record Share(Budget budget, long n, String key) {
    }

    private void round() {
        if (busy) {
            return;
        }
        long today = pool.today();
        List<Share> added = new ArrayList<>();
        List<Share> idle = new ArrayList<>();
        Map<Project, Boolean> seen = new IdentityHashMap<>();
        for (ApiKey k : pool.keys()) {
            Project p = k.project();
            if (seen.put(p, Boolean.TRUE) != null) {
                continue;
            }
            p.budgets().forEach((model, b) -> {
                long n = b.takeUnshared(today);
                (n > 0 ? added : idle).add(new Share(b, n, prefix + p.name() + ":" + model + ":" + today));
            });
        }
        if (added.isEmpty() && idle.isEmpty()) {
            return;
        }
        List<Request> batch = new ArrayList<>(added.size() * 2 + 1);
        for (Share s : added) {
            batch.add(Request.cmd(Command.INCRBY).arg(s.key()).arg(s.n()));
            batch.add(Request.cmd(Command.EXPIRE).arg(s.key()).arg(EXPIRY_SECONDS));
        }
        if (!idle.isEmpty()) {
            // budgets this replica did not use since the last round still learn what the others did: one MGET
            Request get = Request.cmd(Command.MGET);
            idle.forEach(s -> get.arg(s.key()));
            batch.add(get);
        }
        busy = true;
        store.client().batch(batch).onComplete(r -> {
            busy = false;
            if (r.failed()) {
                // Redis is away: these requests are added next time
                added.forEach(s -> s.budget().giveBack(today, s.n()));
                return;
            }
            List<Response> answers = r.result();
            for (int i = 0; i < added.size(); i++) {
                Response total = answers.get(2 * i);
                if (total != null) {
                    added.get(i).budget().sharedCount(today, total.toLong());
                }
            }
            if (!idle.isEmpty()) {
                Response totals = answers.get(2 * added.size());
                for (int i = 0; i < idle.size(); i++) {
                    Response total = totals.get(i);
                    idle.get(i).budget().sharedCount(today, total == null ? 0 : total.toLong());
                }
            }
        });
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
    }
}
