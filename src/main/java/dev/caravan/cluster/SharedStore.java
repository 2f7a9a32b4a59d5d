package dev.caravan.cluster;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;

/**
 * The store that replicas share (REDIS_URL): one pooled Vert.x Redis client whose commands never block the caller
 * (they complete on an event loop), or nothing at all when Caravan runs as one process, the default.
 *
 * <p>Every user of the shared store goes through this bean, so there is one connection pool and one place that
 * knows the address (which may hold a password: it is never logged). Safe to call from any thread.
 */
public final class SharedStore implements AutoCloseable {

    private final Redis client;
    private final RedisAPI api;
    private final String prefix;

    private SharedStore(Redis client, String prefix) {
        this.client = client;
        this.api = client == null ? null : RedisAPI.api(client);
        this.prefix = prefix;
    }

    /** The store at {@code url}, or a disabled one when {@code url} is empty. */
    public static SharedStore connect(Vertx vertx, String url) {
        return connect(vertx, url, "caravan:");
    }

    /**
     * The store at {@code url} whose keys and channels all start with {@code prefix} (REDIS_PREFIX), or a disabled
     * one when {@code url} is empty.
     */
    public static SharedStore connect(Vertx vertx, String url, String prefix) {
        if (url == null || url.isBlank()) {
            return new SharedStore(null, prefix);
        }
        RedisOptions options = new RedisOptions()
                .setConnectionString(url)
                // commands are short; a few connections serve a replica, and callers never queue without bound
                .setMaxPoolSize(8)
                .setMaxPoolWaiting(1024)
                .setMaxWaitingHandlers(4096);
        return new SharedStore(Redis.createClient(vertx, options), prefix);
    }

    /** The name of this installation's Redis key or channel {@code name} (REDIS_PREFIX + name). */
    public String name(String name) {
        return prefix + name;
    }

    /** True when replicas share this store; false in single-process mode. */
    public boolean enabled() {
        return client != null;
    }

    /** Commands on the pooled connections; only when {@link #enabled}. */
    public RedisAPI api() {
        if (api == null) {
            throw new IllegalStateException("no shared store: REDIS_URL is empty");
        }
        return api;
    }

    /** The client itself, for a connection of its own (a pub/sub subscriber); only when {@link #enabled}. */
    public Redis client() {
        if (client == null) {
            throw new IllegalStateException("no shared store: REDIS_URL is empty");
        }
        return client;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
