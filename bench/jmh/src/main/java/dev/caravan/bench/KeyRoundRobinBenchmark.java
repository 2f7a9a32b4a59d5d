package dev.caravan.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.caravan.keys.ApiKey;
import dev.caravan.keys.Evidence;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.Verdict;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The key pool's hot path: a pick and the report of a success, at 10,000 keys, on one thread and under
 * contention. A tenth of the keys is dead and a tenth cools for the model, so picks really skip.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KeyRoundRobinBenchmark {

    private static final String MODEL = "gemini-2.5-flash";
    private static final Verdict SUCCESS = new Verdict(Verdict.Kind.SUCCESS, 0, null);

    @Param({"10000"})
    public int keys;

    private KeyRoundRobin pool;

    @Setup
    public void setUp() {
        List<String> secrets = new ArrayList<>(keys);
        for (int i = 0; i < keys; i++) {
            secrets.add("bench-key-" + i);
        }
        pool = new KeyRoundRobin(secrets, 3);
        long far = System.currentTimeMillis() + 3_600_000;
        List<ApiKey> all = pool.keys();
        for (int i = 0; i < all.size(); i += 10) {
            pool.record(all.get(i), MODEL, new Verdict(Verdict.Kind.KEY_INVALID, 0, new Evidence(400, "API_KEY_INVALID", null, 0)));
            pool.record(all.get(i + 5), MODEL, new Verdict(Verdict.Kind.QUOTA_COOLDOWN, far, new Evidence(429, null, "PerMinute", 0)));
        }
    }

    @Benchmark
    @Threads(1)
    public ApiKey pickAndReportOneThread() {
        ApiKey k = pool.pick(MODEL, null);
        pool.record(k, MODEL, SUCCESS);
        return k;
    }

    @Benchmark
    @Threads(4)
    public ApiKey pickAndReportFourThreads() {
        ApiKey k = pool.pick(MODEL, null);
        pool.record(k, MODEL, SUCCESS);
        return k;
    }
}
