package dev.caravan.upstream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import dev.caravan.http.ClientDeadline;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.security.TokenVerifier;
import io.vertx.core.Vertx;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The upstream route's step after the key pick (issue 14): when no key was eligible because every usable key is
 * cooling, and the first comes back within QUOTA_WAIT_SECONDS and within the client's own deadline, the request
 * waits for it instead of failing; otherwise it goes on at once (the route then answers 429 with Retry-After).
 *
 * <p>A waiting request holds no thread: it sits in the lane of its (pool, model) and a Vert.x timer wakes the lane
 * when the first key is due (or when the pool says a key came back early). Waiting requests are served fairly across
 * client tokens: the lane takes one request of each client in turn, and each gets the next key the pool picks for
 * it, until none is left. A request whose wait runs out goes on without a key.
 *
 * <p>Thread-safe: each lane is guarded by its own lock, held only while requests are queued or taken out (never
 * across a call, a timer or a callback).
 */
public final class KeyComeback extends AsyncProcessorSupport {

    /** Waiting requests in all lanes at once, at most: past it a request is answered at once (memory stays bounded). */
    static final int MAX_WAITING = 10_000;
    /** How often a lane looks again while keys are eligible but every one was already tried by its requests. */
    private static final long RELOOK_MS = 250;

    private final Vertx vertx;
    private final KeyRoundRobin defaultPool;
    private final IntSupplier waitSeconds;
    private final Map<KeyRoundRobin, Map<String, Lane>> lanes = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    /**
     * Waiting requests at most, below the worker pool: platform-http parks a worker per request until it ends, so
     * waiting requests holding every worker would leave none for the requests that end their waits (or for the admin
     * page). Pacing makes waits routine, so this bound matters.
     */
    private volatile int maxWaiting = MAX_WAITING;
    /**
     * The threads that go on with requests whose wait ended: a pool of their own, because the shared worker pool may
     * be full of parked requests that wait for exactly these to finish.
     */
    private volatile io.vertx.core.WorkerExecutor resumer;

    public KeyComeback(Vertx vertx, KeyRoundRobin defaultPool, IntSupplier waitSeconds) {
        this.vertx = vertx;
        this.defaultPool = defaultPool;
        this.waitSeconds = waitSeconds;
        watch(defaultPool);
    }

    /**
     * The end of a wait that room coming back must leave free to count for a request: a tenth of the wait, at most a
     * second. Room that comes back just as the wait ends goes to whichever timer a loaded event loop runs first.
     */
    static long margin(long waitMs) {
        return Math.min(1_000, Math.max(0, waitMs / 10));
    }

    /** Requests waiting in the lane of (pool, model), read without a lock (the pool's new picks yield to them). */
    private int waitingIn(KeyRoundRobin pool, String model) {
        Map<String, Lane> ls = lanes.get(pool);
        Lane l = ls == null ? null : ls.get(model);
        return l == null ? 0 : l.size;
    }

    /** Bounds the waiting requests by the worker pool's size (half of it), and gives resumes threads of their own. */
    public KeyComeback workerPool(int size) {
        this.maxWaiting = Math.max(1, Math.min(MAX_WAITING, size / 2));
        this.resumer = vertx.createSharedWorkerExecutor("caravan-key-comeback", Math.max(4, Math.min(256, size / 4)));
        return this;
    }

    /** Requests waiting for a key now, in every lane (a gauge). */
    public int waiting() {
        return waiting.get();
    }

    private Map<String, Lane> lanesOf(KeyRoundRobin pool) {
        return lanes.computeIfAbsent(pool, p -> {
            watch(p);
            return new ConcurrentHashMap<>();
        });
    }

    private Lane laneOf(KeyRoundRobin pool, String model) {
        return lanesOf(pool).computeIfAbsent(model == null ? "" : model, m -> new Lane(pool, m));
    }

    /** A key that may have come back early wakes every lane of its pool. */
    private void watch(KeyRoundRobin pool) {
        pool.waitingFor(model -> waitingIn(pool, model));
        pool.onComeback(() -> {
            Map<String, Lane> ls = lanes.get(pool);
            if (ls != null) {
                ls.values().forEach(l -> l.wakeSoon(0));
            }
        });
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        RequestContext ctx = RequestContext.of(exchange);
        if (ctx.key() != null || ctx.pinnedKey() != null) {
            callback.done(true);
            return true;
        }
        KeyRoundRobin pool = ctx.keyPool() != null ? ctx.keyPool() : defaultPool;
        long now = pool.now();
        long back = pool.comebackAt(ctx.model(), now);
        long budgetMs = Math.max(0, ctx.waitEndsAtMillis(now, waitSeconds.getAsInt() * 1000L) - now);
        long waitMs = Math.min(budgetMs, ClientDeadline.remainingMillis(exchange));
        Lane lane = laneOf(pool, ctx.model());
        // a new request whose pick left the keys to the requests already waiting: it waits behind them where a key
        // comes back for it within its wait, else it is refused at once
        boolean behind = ctx.tried().isEmpty() && lane.size > 0;
        if (back == Long.MAX_VALUE) {
            ctx.refusal("no usable key: every key is invalid, suspended or disabled");
        } else if (behind && waitMs <= 0) {
            ctx.refusal("every key that comes back is promised to the requests already waiting, and this one may not wait");
            ctx.noKeyLeft(Math.max(0, back - now));
        } else if (back <= now && !behind) {
            // keys are eligible, and this request tried each: waiting would bring none
            ctx.refusal("every eligible key already tried by this request");
        } else if (now < pool.egress().pausedUntil() && (waitMs <= 0 || back - now > waitMs)) {
            ctx.refusal("pool paused for " + (pool.egress().pausedUntil() - now) + " ms: Google throttles the gateway's "
                    + "address, not the keys");
        } else if (!behind && (waitMs <= 0 || back - now > waitMs)) {
            ctx.refusal("every key cooling" + (ctx.model() == null ? "" : " for " + ctx.model()) + "; the first returns in "
                    + (back - now) + " ms, beyond the wait of " + Math.max(0, waitMs) + " ms");
        } else if (lane.size() >= pool.returningBy(ctx.model(), now + waitMs - margin(waitMs))) {
            // the keys back within the wait are promised to the requests already waiting: waiting would end in a 429;
            // the first room for this one is past their wait
            ctx.refusal("every key cooling" + (ctx.model() == null ? "" : " for " + ctx.model()) + "; the keys back "
                    + "within the wait of " + waitMs + " ms are promised to the requests already waiting");
            if (ctx.tried().isEmpty()) {
                ctx.noKeyLeft(Math.max(waitMs, back - now));
            }
        } else if (waiting.incrementAndGet() > maxWaiting) {
            waiting.decrementAndGet();
            ctx.refusal("every key cooling and " + maxWaiting + " requests already waiting");
        } else {
            String client = exchange.getProperty(TokenVerifier.CLIENT_FINGERPRINT, "", String.class);
            lane.enter(new Waiter(exchange, ctx, callback, client, now, now + waitMs), Math.max(back, now));
            return false;
        }
        callback.done(true);
        return true;
    }

    /**
     * Goes on with a request that waited, on a worker thread: the rest of the route (the circuit breaker above all)
     * may block, which an event loop must never do.
     */
    private void resume(Waiter w) {
        io.vertx.core.WorkerExecutor r = resumer;
        if (r != null) {
            r.executeBlocking(() -> {
                w.callback.done(false);
                return null;
            }, false);
            return;
        }
        vertx.executeBlocking(() -> {
            w.callback.done(false);
            return null;
        }, false);
    }

    /** One waiting request. */
    private static final class Waiter {
        final Exchange exchange;
        final RequestContext ctx;
        final AsyncCallback callback;
        final String client;
        final long sinceMillis;
        final long untilMillis;
        long timer = -1;

        Waiter(Exchange exchange, RequestContext ctx, AsyncCallback callback, String client, long sinceMillis,
               long untilMillis) {
            this.exchange = exchange;
            this.ctx = ctx;
            this.callback = callback;
            this.client = client;
            this.sinceMillis = sinceMillis;
            this.untilMillis = untilMillis;
        }
    }

    /** The requests waiting for one model of one pool, a queue per client, served one client at a time in turn. */
    private final class Lane {
        private final KeyRoundRobin pool;
        private final String model;
        /** Client → its waiting requests, oldest first; the map's order is the turn (a served client goes last). */
        private final LinkedHashMap<String, ArrayDeque<Waiter>> queues = new LinkedHashMap<>();
        private long timer = -1;
        private long timerAt = Long.MAX_VALUE;
        /** Requests waiting in this lane (written under the lane's lock, read without it by new picks). */
        private volatile int size;

        Lane(KeyRoundRobin pool, String model) {
            this.pool = pool;
            this.model = model;
        }

        void enter(Waiter w, long back) {
            synchronized (this) {
                queues.computeIfAbsent(w.client, c -> new ArrayDeque<>()).addLast(w);
                size++;
                w.timer = vertx.setTimer(Math.max(1, w.untilMillis - pool.now()), id -> giveUp(w));
            }
            wakeAt(back);
        }

        /** Wakes the lane at {@code at} (epoch ms) unless it wakes sooner already. */
        void wakeAt(long at) {
            synchronized (this) {
                if (queues.isEmpty() || at >= timerAt) {
                    return;
                }
                if (timer >= 0) {
                    vertx.cancelTimer(timer);
                }
                timerAt = at;
                timer = vertx.setTimer(Math.max(1, at - pool.now()), id -> serve());
            }
        }

        void wakeSoon(long delayMs) {
            wakeAt(pool.now() + delayMs);
        }

        /** Hands keys to waiting requests, one client at a time in turn, while the pool has keys for them. */
        private void serve() {
            List<Waiter> served = new ArrayList<>();
            synchronized (this) {
                timer = -1;
                timerAt = Long.MAX_VALUE;
                boolean progress = true;
                while (progress && !queues.isEmpty()) {
                    progress = false;
                    Iterator<Map.Entry<String, ArrayDeque<Waiter>>> it = queues.entrySet().iterator();
                    List<Map.Entry<String, ArrayDeque<Waiter>>> turned = new ArrayList<>();
                    while (it.hasNext()) {
                        Map.Entry<String, ArrayDeque<Waiter>> e = it.next();
                        Waiter w = e.getValue().peekFirst();
                        long tokens = w.ctx.inputTokens();
                        ApiKey key = pool.pick(model.isEmpty() ? null : model, w.ctx.barredAfterWait(), tokens);
                        if (key == null) {
                            if (w.ctx.barredAfterWait().isEmpty()) {
                                // nothing for anyone now: the others keep their places
                                progress = false;
                                break;
                            }
                            continue;
                        }
                        e.getValue().pollFirst();
                        size--;
                        vertx.cancelTimer(w.timer);
                        w.ctx.keyCameBack(key);
                        w.ctx.tokensTaken(pool.now(), tokens);
                        w.exchange.getMessage().setHeader(KeyRoundRobin.KEY_HEADER, key.secret());
                        served.add(w);
                        progress = true;
                        // this client had its turn: it goes to the back of the line
                        it.remove();
                        if (!e.getValue().isEmpty()) {
                            turned.add(e);
                        }
                    }
                    for (Map.Entry<String, ArrayDeque<Waiter>> e : turned) {
                        queues.put(e.getKey(), e.getValue());
                    }
                }
            }
            for (Waiter w : served) {
                waiting.decrementAndGet();
                resume(w);
            }
            breakBrokenPromises();
            if (!isEmpty()) {
                long now = pool.now();
                long back = pool.comebackAt(model.isEmpty() ? null : model, now);
                wakeAt(back > now ? back : now + RELOOK_MS);
            }
        }

        /**
         * The room a request was admitted to wait for may vanish (a project refused for the day, a key retired): the
         * requests that came last, beyond what comes back by the last wait's end, are refused now with a fresh
         * Retry-After instead of at the end of their wait.
         */
        private void breakBrokenPromises() {
            List<Waiter> all = new ArrayList<>();
            long horizon = Long.MIN_VALUE;
            synchronized (this) {
                for (ArrayDeque<Waiter> q : queues.values()) {
                    for (Waiter w : q) {
                        all.add(w);
                        horizon = Math.max(horizon, w.untilMillis);
                    }
                }
            }
            if (all.isEmpty()) {
                return;
            }
            long room = pool.returningBy(model.isEmpty() ? null : model, horizon - margin(waitSeconds.getAsInt() * 1000L));
            if (all.size() <= room) {
                return;
            }
            all.sort((a, b) -> Long.compare(b.sinceMillis, a.sinceMillis));
            for (int i = 0; i < all.size() - room; i++) {
                refuse(all.get(i), "the keys it waited for will not serve it: its place is beyond what comes back by "
                        + "the waits' end");
            }
        }

        synchronized int size() {
            return size;
        }

        private synchronized boolean isEmpty() {
            return queues.isEmpty();
        }

        /** The wait ran out: the request goes on without a key, and the route answers 429 with a fresh Retry-After. */
        private void giveUp(Waiter w) {
            refuse(w, null);
        }

        /** Takes a waiting request out of the lane (unless served meanwhile) and lets it go on to its 429. */
        private void refuse(Waiter w, String why) {
            synchronized (this) {
                ArrayDeque<Waiter> q = queues.get(w.client);
                if (q == null || !q.remove(w)) {
                    return;
                }
                size--;
                if (q.isEmpty()) {
                    queues.remove(w.client);
                }
            }
            waiting.decrementAndGet();
            long now = pool.now();
            long back = pool.comebackAt(model.isEmpty() ? null : model, now);
            if (w.ctx.tried().isEmpty()) {
                // a request refused before its wait's end finds no room before it: the keys until then are promised
                w.ctx.noKeyLeft(back == Long.MAX_VALUE ? -1 : Math.max(0, (why == null ? back : Math.max(back, w.untilMillis)) - now));
            }
            if (why != null) {
                vertx.cancelTimer(w.timer);
            }
            w.ctx.refusal("waited " + (now - w.sinceMillis) + " ms for a cooling key; "
                    + (why == null ? "none came back in time" : why));
            resume(w);
        }
    }
}
