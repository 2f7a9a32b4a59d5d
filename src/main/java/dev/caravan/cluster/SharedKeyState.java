package dev.caravan.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.KeyState;
import dev.caravan.keys.KeyStateListener;
import dev.caravan.keys.Project;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares one pool's key state with the other replicas through Redis (README "Scale out"): cool-downs, invalid,
 * suspended and disabled states, strikes, an operator's disable, enable, reset, add and delete.
 *
 * <p>The pool never waits for Redis: picks read the local view as always, and this listener, told of each change,
 * only marks the key and wakes a flush on its own event-loop context, which publishes a {@link KeySnapshot} of each
 * changed key (many changes of one key between two flushes cost one message). One small Lua script stores the
 * snapshot in a hash (for replicas that catch up) unless a later one is there, and publishes it on a channel in the
 * same step. Every replica subscribes and merges what others send into its own view without sending it on again:
 * health and strikes go to the later change, cool-downs to the later deadline, and a reset drops the cool-downs
 * learned before it, so replicas converge and never undo each other's changes back and forth.
 *
 * <p>When Redis goes away, the replica keeps serving from its local view, says so once, keeps its changes, and
 * reconnects with a backoff (250 ms doubling to 5 s); once back it re-reads the hash, then publishes what changed
 * meanwhile and what the hash lacks (a Redis that restarted empty learns the pool again).
 *
 * <p>Thread-safe: the listener methods may be called from any thread and return at once; everything else runs on
 * one Vert.x context.
 */
public final class SharedKeyState implements KeyStateListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedKeyState.class);
    static final long FIRST_RETRY_MS = 250;
    static final long MAX_RETRY_MS = 5_000;
    /** Waits before looking again for a key added elsewhere whose row the database has not shown yet. */
    private static final long[] LOOKUP_RETRY_MS = {100, 300, 1_000, 3_000};
    /**
     * Stores the snapshot (ARGV[3]) under its fingerprint (ARGV[1]) unless the hash holds a later one (by ARGV[2], the
     * send time), then publishes it: in one step, so the hash and the channel tell the same order.
     */
    static final String STORE_AND_PUBLISH = "local old = redis.call('HGET', KEYS[1], ARGV[1]) "
            + "if (not old) or tonumber(string.match(old, '^(%d+)')) <= tonumber(ARGV[2]) then "
            + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. ARGV[3]) end "
            + "return redis.call('PUBLISH', KEYS[2], ARGV[3])";

    private final SharedStore store;
    private final Vertx vertx;
    private final Context context;
    private final KeyRoundRobin pool;
    private final KeyStateListener local;
    private final ObjectMapper json;
    private final LongSupplier clock;
    /** The secret of a fingerprint an operator added, from the shared database (blocking), or null. */
    private final Function<String, String> addedSecret;
    private final String origin = Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final String poolName;
    private final String hash;
    private final String channel;
    private final String installationKey;
    private final Staleness staleness = new Staleness();

    /** Keys changed here and not published yet, with when the first unpublished change happened (epoch µs). */
    private final Map<String, Pending> dirty = new ConcurrentHashMap<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    /** Set while this replica applies what another sent: the changes it makes then are not sent on again. */
    private final ThreadLocal<Boolean> applying = ThreadLocal.withInitial(() -> Boolean.FALSE);
    /** Fingerprints of keys an operator added at runtime, here or elsewhere. */
    private final Set<String> addedAtRuntime = ConcurrentHashMap.newKeySet();

    // --- only on the context ---
    private final Map<String, Known> known = new HashMap<>();
    private RedisConnection subscriber;
    private boolean up;
    private boolean reconnecting;
    private boolean warned;
    private boolean closed;
    private long retryMs = FIRST_RETRY_MS;
    private long retryTimer = -1;

    private record Pending(ApiKey key, long sinceMicros) {
    }

    /** What this replica last knew of a key's health and strikes, with when and where they last changed. */
    private static final class Known {
        long healthAt;
        String healthOrigin = "";
        KeyState state = KeyState.ACTIVE;
        boolean manual;
        long strikesAt;
        String strikesOrigin = "";
        int strikes;
    }

    /**
     * @param poolName    names the pool's hash and channel ("gemini", "vertex")
     * @param local       the listener this one stands in front of (the database's key state), told of every change
     * @param addedSecret the secret of a key added at runtime, by fingerprint, from the shared database (may block)
     */
    public SharedKeyState(SharedStore store, Vertx vertx, KeyRoundRobin pool, String poolName, KeyStateListener local,
                          ObjectMapper json, LongSupplier clock, Function<String, String> addedSecret, String prefix) {
        this.store = store;
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.pool = pool;
        this.local = local;
        this.json = json;
        this.clock = clock;
        this.addedSecret = addedSecret;
        this.poolName = poolName;
        this.hash = prefix + "keys:" + poolName;
        this.channel = prefix + "keys:" + poolName + ":changes";
        this.installationKey = prefix + "keys:" + poolName + ":installation";
    }

    /** Subscribes and catches up, in the background: the pool serves from its local view meanwhile. */
    public SharedKeyState start() {
        context.runOnContext(v -> connect());
        return this;
    }

    /** How long changes took from another replica to this one (README "Scale out"). */
    public Staleness staleness() {
        return staleness;
    }

    /** Whether this replica is subscribed and caught up (false while Redis is away). */
    public boolean connected() {
        return up;
    }

    // --- the pool's changes: told on any thread, published on the context ---

    @Override
    public void changed(ApiKey key) {
        local.changed(key);
        if (!applying.get()) {
            markDirty(key);
        }
    }

    @Override
    public void added(List<ApiKey> keys) {
        local.added(keys);
        if (!applying.get()) {
            for (ApiKey k : keys) {
                addedAtRuntime.add(k.fingerprint());
                markDirty(k);
            }
        }
    }

    @Override
    public void removed(List<ApiKey> keys) {
        local.removed(keys);
        if (!applying.get()) {
            keys.forEach(this::markDirty);
        }
    }

    private void markDirty(ApiKey key) {
        dirty.putIfAbsent(key.fingerprint(), new Pending(key, nowMicros()));
        if (flushScheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> flush());
        }
    }

    private void flush() {
        flushScheduled.set(false);
        if (!up || closed) {
            // kept until Redis is back: the catch-up publishes them
            return;
        }
        for (Pending p : new ArrayList<>(dirty.values())) {
            String fp = p.key().fingerprint();
            if (!dirty.remove(fp, p)) {
                continue;
            }
            String message = snapshotOf(p.key(), p.sinceMicros()).toJson(json);
            store.api().eval(List.of(STORE_AND_PUBLISH, "2", hash, channel, fp, String.valueOf(nowMicros()), message))
                    .onComplete(r -> {
                        if (r.failed()) {
                            // kept, with the time of its first change, for the catch-up
                            dirty.putIfAbsent(fp, p);
                            onContext(() -> down(r.cause()));
                        }
                    });
        }
    }

    /**
     * Stamps what changed in the key here since this replica last knew it, with the time of the change ({@code atMillis}:
     * when it was marked, not when it is sent, so that a change made while Redis was away keeps its place in time).
     */
    private Known noteLocal(ApiKey k, long atMillis) {
        Known kn = known.computeIfAbsent(k.fingerprint(), f -> new Known());
        if (k.state() != kn.state || k.manuallyDisabled() != kn.manual) {
            kn.healthAt = Math.max(atMillis, kn.healthAt + 1);
            kn.healthOrigin = origin;
            kn.state = k.state();
            kn.manual = k.manuallyDisabled();
        }
        if (k.strikes() != kn.strikes) {
            kn.strikesAt = Math.max(atMillis, kn.strikesAt + 1);
            kn.strikesOrigin = origin;
            kn.strikes = k.strikes();
        }
        return kn;
    }

    private KeySnapshot snapshotOf(ApiKey k, long sinceMicros) {
        Known kn = noteLocal(k, sinceMicros / 1000);
        long now = clock.getAsLong();
        Map<String, ApiKey.Cooldown> live = new HashMap<>();
        k.cooldowns().forEach((model, c) -> {
            if (c.untilMillis() > now) {
                live.put(model, c);
            }
        });
        boolean named = k.projectSource() != Project.Source.UNKNOWN;
        return new KeySnapshot(origin, k.fingerprint(), sinceMicros, kn.healthAt, kn.state, kn.manual, k.evidence(),
                kn.strikesAt, kn.strikes, k.clearedAtMillis(), live, named ? k.project().name() : null,
                named ? k.projectSource().name() : null, named ? k.projectEvidence() : null,
                addedAtRuntime.contains(k.fingerprint()), k.removed());
    }

    // --- what the others send: merged on the context ---

    private void onPush(Response r) {
        // RESP2 and RESP3 both deliver ["message", channel, payload]
        if (r == null || r.size() < 3 || !"message".equalsIgnoreCase(r.get(0).toString())) {
            return;
        }
        KeySnapshot s = parse(r.get(2).toString());
        if (s != null && !origin.equals(s.origin())) {
            apply(s, indexOfPool());
            staleness.record(nowMicros() - s.sinceMicros());
        }
    }

    private KeySnapshot parse(String text) {
        try {
            return KeySnapshot.parse(json, text);
        } catch (Exception malformed) {
            LOG.debug("Ignoring a malformed key-state message: {}", malformed.getMessage());
            return null;
        }
    }

    private Map<String, ApiKey> indexOfPool() {
        Map<String, ApiKey> index = new HashMap<>();
        for (ApiKey k : pool.keys()) {
            index.put(k.fingerprint(), k);
        }
        return index;
    }

    private void apply(KeySnapshot s, Map<String, ApiKey> index) {
        ApiKey key = index.get(s.fingerprint());
        if (s.removed()) {
            if (key != null) {
                quietly(() -> pool.remove(List.of(key)));
            }
            known.remove(s.fingerprint());
            return;
        }
        if (key == null) {
            if (s.added()) {
                lookUpAdded(s, 0);
            }
            return;
        }
        if (s.added()) {
            addedAtRuntime.add(s.fingerprint());
        }
        // a change made here and not sent yet (Redis away) is weighed against theirs by its own time
        Pending mine = dirty.get(s.fingerprint());
        Known kn = mine != null ? noteLocal(key, mine.sinceMicros() / 1000)
                : known.computeIfAbsent(s.fingerprint(), f -> new Known());
        ApiKey.Health health = null;
        if (later(s.healthAt(), s.origin(), kn.healthAt, kn.healthOrigin)) {
            health = new ApiKey.Health(s.state(), s.evidence(), s.manual());
            kn.healthAt = s.healthAt();
            kn.healthOrigin = s.origin();
            kn.state = s.state();
            kn.manual = s.manual();
        }
        int strikes = -1;
        if (later(s.strikesAt(), s.origin(), kn.strikesAt, kn.strikesOrigin)) {
            strikes = s.strikes();
            kn.strikesAt = s.strikesAt();
            kn.strikesOrigin = s.origin();
            kn.strikes = s.strikes();
        }
        ApiKey.Health h = health;
        int sk = strikes;
        quietly(() -> {
            pool.adopt(key, s.clearedAt(), h, sk, s.cooldowns());
            if (s.project() != null) {
                try {
                    pool.assignProject(key, s.project(), Project.Source.valueOf(s.projectSource()), s.projectEvidence());
                } catch (IllegalArgumentException | NullPointerException unknownSource) {
                    // a later version's source: this replica learns the project itself
                }
            }
        });
        // saved here too: a replica's database may be its own
        local.changed(key);
    }

    /** The later of two changes: by time, then by replica (so that all replicas choose the same one). */
    private static boolean later(long at, String from, long knownAt, String knownFrom) {
        // 0: the sender never saw it change, which tells nothing
        return at > 0 && (at > knownAt || (at == knownAt && from.compareTo(knownFrom) > 0));
    }

    private void quietly(Runnable r) {
        applying.set(Boolean.TRUE);
        try {
            r.run();
        } finally {
            applying.set(Boolean.FALSE);
        }
    }

    /**
     * A key an operator added on another replica: its secret travels only through the database the replicas share
     * (never through Redis), whose row may land a moment after the message.
     */
    private void lookUpAdded(KeySnapshot s, int attempt) {
        vertx.<String>executeBlocking(() -> addedSecret.apply(s.fingerprint()), false).onComplete(r -> onContext(() -> {
            String secret = r.succeeded() ? r.result() : null;
            if (secret != null) {
                ApiKey had = pool.byFingerprint(s.fingerprint());
                if (had == null) {
                    quietly(() -> pool.add(List.of(secret)));
                }
                addedAtRuntime.add(s.fingerprint());
                apply(s, indexOfPool());
            } else if (attempt < LOOKUP_RETRY_MS.length) {
                vertx.setTimer(LOOKUP_RETRY_MS[attempt], t -> lookUpAdded(s, attempt + 1));
            } else {
                LOG.warn("A key added on another replica ({}) is not in this replica's database: replicas must share one "
                        + "database (README \"Scale out\")", s.fingerprint());
            }
        }));
    }

    // --- the connection: subscribe, catch up, and come back after an outage ---

    private void connect() {
        reconnecting = false;
        if (closed) {
            return;
        }
        store.client().connect().onComplete(c -> onContext(() -> {
            if (c.failed()) {
                down(c.cause());
                return;
            }
            RedisConnection conn = c.result();
            if (closed) {
                conn.close();
                return;
            }
            subscriber = conn;
            conn.handler(r -> onContext(() -> onPush(r)));
            conn.exceptionHandler(e -> onContext(() -> down(e)));
            conn.endHandler(v -> onContext(() -> down(null)));
            conn.send(Request.cmd(Command.SUBSCRIBE).arg(channel))
                    .compose(ok -> checkInstallation())
                    .compose(ok -> store.api().hgetall(hash))
                    .onComplete(r -> onContext(() -> {
                        if (r.failed()) {
                            down(r.cause());
                        } else {
                            caughtUp(r.result());
                        }
                    }));
        }));
    }

    /**
     * Replicas must name keys alike: fingerprints are keyed by the installation's secret, in its database. A replica
     * on a database of its own names every key differently, and would share nothing: it says so.
     */
    private io.vertx.core.Future<Void> checkInstallation() {
        String mine = pool.fingerprints().of("caravan replicas share one installation");
        return store.api().set(List.of(installationKey, mine, "NX")).compose(ignored -> store.api().get(installationKey))
                .map(theirs -> {
                    if (theirs != null && !mine.equals(theirs.toString())) {
                        LOG.error("This replica's database is not the other replicas' (its keys are named differently): key "
                                + "state cannot be shared; point every replica at the same MySQL database (README \"Scale out\")");
                    }
                    return null;
                });
    }

    private void caughtUp(Response all) {
        Map<String, ApiKey> index = indexOfPool();
        Set<String> inHash = new HashSet<>();
        for (String field : all.getKeys()) {
            inHash.add(field);
            String value = all.get(field).toString();
            int space = value.indexOf(' ');
            KeySnapshot s = space < 0 ? null : parse(value.substring(space + 1));
            if (s != null && !origin.equals(s.origin())) {
                apply(s, index);
            }
        }
        // what the hash lacks (a Redis that restarted empty, or the first replica): this replica tells it
        long now = clock.getAsLong();
        for (ApiKey k : index.values()) {
            if (!inHash.contains(k.fingerprint()) && !plain(k, now)) {
                dirty.putIfAbsent(k.fingerprint(), new Pending(k, nowMicros()));
            }
        }
        up = true;
        retryMs = FIRST_RETRY_MS;
        if (warned) {
            warned = false;
            LOG.info("Redis is back: caught up with {} shared {} key state(s); publishing {} change(s) made meanwhile",
                    inHash.size(), poolName, dirty.size());
        }
        flush();
    }

    private static boolean plain(ApiKey k, long now) {
        if (k.state() != KeyState.ACTIVE || k.strikes() > 0 || k.manuallyDisabled()
                || k.projectSource() != Project.Source.UNKNOWN) {
            return false;
        }
        for (ApiKey.Cooldown c : k.cooldowns().values()) {
            if (c.untilMillis() > now) {
                return false;
            }
        }
        return true;
    }

    private void down(Throwable cause) {
        if (closed || reconnecting) {
            return;
        }
        up = false;
        reconnecting = true;
        RedisConnection conn = subscriber;
        subscriber = null;
        if (conn != null) {
            conn.handler(null).exceptionHandler(null).endHandler(null);
            conn.close();
        }
        if (!warned) {
            // once per outage: the replica serves on, from what it knows
            warned = true;
            LOG.warn("Redis is unreachable ({}): serving from this replica's own view of the {} keys, and trying again "
                    + "with a backoff up to {} s", cause == null ? "connection closed" : cause.getMessage(), poolName,
                    MAX_RETRY_MS / 1000);
        }
        retryTimer = vertx.setTimer(retryMs, t -> onContext(this::connect));
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    }

    private void onContext(Runnable r) {
        if (Vertx.currentContext() == context) {
            r.run();
        } else {
            context.runOnContext(v -> r.run());
        }
    }

    private static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    @Override
    public void close() {
        onContext(() -> {
            closed = true;
            up = false;
            if (retryTimer >= 0) {
                vertx.cancelTimer(retryTimer);
            }
            if (subscriber != null) {
                subscriber.close();
                subscriber = null;
            }
        });
    }
}
