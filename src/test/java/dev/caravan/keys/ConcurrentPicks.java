package dev.caravan.keys;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Many threads picking from one pool at once, released together by a barrier; counts how often each key (by its
 * position in the pool) came back and how many picks found nothing.
 */
final class ConcurrentPicks {

    final AtomicIntegerArray perKey;
    final AtomicInteger nulls = new AtomicInteger();
    private final Map<ApiKey, Integer> index = new IdentityHashMap<>();

    private ConcurrentPicks(List<ApiKey> keys) {
        perKey = new AtomicIntegerArray(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            index.put(keys.get(i), i);
        }
    }

    /** Runs {@code threads} threads that each make {@code picksPerThread} picks for {@code model}. */
    static ConcurrentPicks run(KeyRoundRobin pool, String model, int threads, int picksPerThread) throws Exception {
        ConcurrentPicks result = new ConcurrentPicks(pool.keys());
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            Future<?>[] done = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                done[t] = executor.submit(() -> {
                    start.await();
                    for (int i = 0; i < picksPerThread; i++) {
                        ApiKey k = pool.pick(model, null);
                        if (k == null) {
                            result.nulls.incrementAndGet();
                        } else {
                            result.perKey.incrementAndGet(result.index.get(k));
                        }
                    }
                    return null;
                });
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            executor.shutdownNow();
        }
        return result;
    }

    int count(int keyIndex) {
        return perKey.get(keyIndex);
    }

    int total() {
        int sum = 0;
        for (int i = 0; i < perKey.length(); i++) {
            sum += perKey.get(i);
        }
        return sum;
    }
}
