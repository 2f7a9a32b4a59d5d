package dev.caravan.cluster;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import dev.caravan.security.GuessThrottle;
import io.vertx.redis.client.Response;

/**
 * The wrong tokens of each client address, counted by every replica together in the shared store: a sorted set per
 * address and door ({@code <prefix>guesses:<scope>:<address>}) of the failures' times, trimmed to the window and
 * expiring with it. Fire and forget: callers are called back when the store answers, never waited for; a store
 * that does not answer leaves each replica with its own count. Safe to call from any thread.
 */
public final class SharedGuesses implements GuessThrottle.Shared {

    /** At most this many failures are kept per address: far more than any limit, and a bound on the reply. */
    private static final int KEEP = 128;
    private static final String FAILED = "redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2]) "
            + "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3]) "
            + "redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -" + (KEEP + 1) + ") "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[4]) "
            + "return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[3], '+inf')";

    private final SharedStore store;
    private final String prefix;

    /** @param scope the door counted apart ("admin" for the admin token, "client" for the client API) */
    public SharedGuesses(SharedStore store, String scope) {
        this.store = store;
        this.prefix = store.name("guesses:" + scope + ":");
    }

    @Override
    public void failed(String address, long now, long windowMs, Consumer<long[]> times) {
        // the member is unique (two failures in one millisecond are two), and starts with its time
        String member = now + ":" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        store.api().eval(List.of(FAILED, "1", prefix + address, Long.toString(now), member,
                Long.toString(now - windowMs), Long.toString(windowMs)))
                .onSuccess(r -> times.accept(times(r)));
    }

    @Override
    public void fetch(String address, long now, long windowMs, Consumer<long[]> times) {
        store.api().zrangebyscore(List.of(prefix + address, "(" + (now - windowMs), "+inf"))
                .onSuccess(r -> times.accept(times(r)));
    }

    @Override
    public void forget(String address) {
        store.api().del(List.of(prefix + address));
    }

    private static long[] times(Response members) {
        if (members == null) {
            return new long[0];
        }
        long[] out = new long[members.size()];
        for (int i = 0; i < out.length; i++) {
            String m = members.get(i).toString();
            int colon = m.indexOf(':');
            out[i] = Long.parseLong(colon < 0 ? m : m.substring(0, colon));
        }
        return out;
    }
}
