package dev.caravan.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;

import dev.caravan.admin.AdminSessions;
import io.vertx.core.Future;

/**
 * The admin sessions of every replica in the shared store: a session's record under
 * {@code <prefix>admin-session:<SHA-256 of its id>} (so the store holds no cookie a reader could replay), living as
 * long as the session may, and an index of them by login time ({@code <prefix>admin-sessions}) that bounds their
 * number and lets an admin-token change end them all. Safe to call from any thread.
 */
public final class SharedAdminSessions implements AdminSessions.Store {

    static final String KEY_PREFIX = "admin-session:";
    static final String INDEX = "admin-sessions";
    /** Sessions older than this have expired whatever their settings (ADMIN_SESSION_EXPIRE is at most a day). */
    private static final long LONGEST_MS = 24 * 3_600_000L;
    private static final String SAVE = "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) "
            + "redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4]) "
            + "redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[5]) "
            + "local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[6]) "
            + "if extra > 0 then "
            + "  for _, h in ipairs(redis.call('ZRANGE', KEYS[2], 0, extra - 1)) do redis.call('DEL', ARGV[7] .. h) end "
            + "  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, extra - 1) "
            + "end return 1";
    private static final String DELETE_ALL_EXCEPT = "for _, h in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do "
            + "  if h ~= ARGV[1] then redis.call('DEL', ARGV[2] .. h) redis.call('ZREM', KEYS[1], h) end "
            + "end return 1";

    private final SharedStore store;
    private final int maxSessions;
    private final String keyPrefix;
    private final String index;

    public SharedAdminSessions(SharedStore store, int maxSessions) {
        this.store = store;
        this.maxSessions = maxSessions;
        this.keyPrefix = store.name(KEY_PREFIX);
        this.index = store.name(INDEX);
    }

    @Override
    public CompletionStage<Void> save(String id, String record, long createdAt, long ttlMs) {
        String h = hash(id);
        return done(store.api().eval(List.of(SAVE, "2", keyPrefix + h, index, record, Long.toString(Math.max(1, ttlMs)),
                Long.toString(createdAt), h, Long.toString(createdAt - LONGEST_MS), Integer.toString(maxSessions),
                keyPrefix)));
    }

    @Override
    public CompletionStage<String> load(String id) {
        return store.api().get(keyPrefix + hash(id)).map(r -> r == null ? null : r.toString()).toCompletionStage();
    }

    @Override
    public CompletionStage<Void> touch(String id, String record, long ttlMs) {
        return done(store.api().set(List.of(keyPrefix + hash(id), record, "PX", Long.toString(Math.max(1, ttlMs)), "XX")));
    }

    @Override
    public CompletionStage<Void> delete(String id) {
        String h = hash(id);
        return done(store.api().del(List.of(keyPrefix + h)).compose(r -> store.api().zrem(List.of(index, h))));
    }

    @Override
    public CompletionStage<Void> deleteAllExcept(String id) {
        return done(store.api().eval(List.of(DELETE_ALL_EXCEPT, "1", index, id.isEmpty() ? "" : hash(id), keyPrefix)));
    }

    private static CompletionStage<Void> done(Future<?> f) {
        return f.<Void>mapEmpty().toCompletionStage();
    }

    private static String hash(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }
}
