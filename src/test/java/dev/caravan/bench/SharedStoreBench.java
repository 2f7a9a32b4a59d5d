package dev.caravan.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.SharedKeyState;
import dev.caravan.cluster.SharedStore;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.Evidence;
import dev.caravan.keys.KeyFingerprint;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.KeyStateListener;
import io.vertx.core.Vertx;

/**
 * How fast a key-state change made on one replica is in force on another (issue 15, README "Scale out"), two ways:
 * Caravan's own shared key state through Redis pub/sub (two pools and their {@link SharedKeyState} in this JVM, the
 * machine's Redis), and a shared MariaDB table that every replica polls. Prints a Markdown table: staleness p50, p99
 * and max, and the store's load per replica while nothing changes. Run by bench/shared-store.sh.
 *
 * <p>Knobs (environment): SHARED_CHANGES (400), SHARED_GAP_MS (5, between two changes), SHARED_POLL_MS (100,10: the
 * polling intervals to try), REDIS_URL (redis://127.0.0.1:6379), MYSQL_URL (jdbc:mysql://127.0.0.1:3306/, root, no
 * password).
 */
public final class SharedStoreBench {

    private SharedStoreBench() {
    }

    private record Result(String how, long[] micros, String load) {
    }

    public static void main(String[] args) throws Exception {
        int changes = Integer.parseInt(env("SHARED_CHANGES", "400"));
        long gapMs = Long.parseLong(env("SHARED_GAP_MS", "5"));
        List<Result> results = new ArrayList<>();
        results.add(redis(changes, gapMs));
        for (String poll : env("SHARED_POLL_MS", "100,10").split(",")) {
            results.add(mariaDb(changes, gapMs, Long.parseLong(poll.trim())));
        }
        System.out.println("| propagation | changes | p50 | p99 | max | store load per replica while idle |");
        System.out.println("|---|---|---|---|---|---|");
        for (Result r : results) {
            long[] m = r.micros().clone();
            Arrays.sort(m);
            System.out.printf("| %s | %d | %.2f ms | %.2f ms | %.2f ms | %s |%n", r.how(), m.length, pct(m, 50) / 1000.0,
                    pct(m, 99) / 1000.0, m[m.length - 1] / 1000.0, r.load());
        }
    }

    /** Caravan's shared key state: replica A disables and enables a key, replica B measures when it knows. */
    private static Result redis(int changes, long gapMs) throws Exception {
        Vertx vertx = Vertx.vertx();
        SharedStore store = SharedStore.connect(vertx, env("REDIS_URL", "redis://127.0.0.1:6379"));
        String prefix = "caravan-bench-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + ":";
        KeyFingerprint names = KeyFingerprint.ephemeral();
        List<String> secrets = List.of("bench-key-1", "bench-key-2", "bench-key-3", "bench-key-4");
        KeyRoundRobin a = new KeyRoundRobin(secrets, 3, System::currentTimeMillis, names);
        KeyRoundRobin b = new KeyRoundRobin(secrets, 3, System::currentTimeMillis, names);
        ObjectMapper json = new ObjectMapper();
        SharedKeyState sa = new SharedKeyState(store, vertx, a, "gemini", KeyStateListener.NONE, json,
                System::currentTimeMillis, fp -> null, prefix);
        SharedKeyState sb = new SharedKeyState(store, vertx, b, "gemini", KeyStateListener.NONE, json,
                System::currentTimeMillis, fp -> null, prefix);
        a.listen(sa.start());
        b.listen(sb.start());
        try {
            long counted = 0;
            long until = System.currentTimeMillis() + 10_000;
            while (!(sa.connected() && sb.connected())) {
                if (System.currentTimeMillis() > until) {
                    throw new IllegalStateException("Redis does not answer at " + env("REDIS_URL", "redis://127.0.0.1:6379"));
                }
                Thread.sleep(10);
            }
            // a warm-up of as many changes first, not counted (the JIT, the Lua script's first load)
            for (int i = 0; i < 2 * changes; i++) {
                if (i == changes) {
                    long warm = System.currentTimeMillis() + 10_000;
                    while (sb.staleness().count() < changes * 9L / 10 && System.currentTimeMillis() < warm) {
                        Thread.sleep(10);
                    }
                    Thread.sleep(200);
                    counted = sb.staleness().count();
                }
                ApiKey k = a.keys().get(i % secrets.size());
                if (k.manuallyDisabled()) {
                    a.enable(k, new Evidence(0, "OPERATOR_ENABLED", null, System.currentTimeMillis()));
                } else {
                    a.disable(k, new Evidence(0, "OPERATOR_DISABLED", null, System.currentTimeMillis()));
                }
                Thread.sleep(gapMs);
            }
            long until2 = System.currentTimeMillis() + 10_000;
            while (sb.staleness().count() - counted < changes && System.currentTimeMillis() < until2) {
                Thread.sleep(10);
            }
            Thread.sleep(200);
            long[] all = sb.staleness().samplesMicros();
            long[] micros = Arrays.copyOfRange(all, (int) Math.min(counted, all.length), all.length);
            return new Result("Redis pub/sub (Caravan's shared key state)", micros, "one idle subscription, 0 queries/s");
        } finally {
            sa.close();
            sb.close();
            store.api().eval(List.of("for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end return 0",
                    "0", prefix + "*")).toCompletionStage().toCompletableFuture().get();
            store.close();
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    /** A shared table: replica A appends each change, replica B polls for new rows every {@code pollMs}. */
    private static Result mariaDb(int changes, long gapMs, long pollMs) throws Exception {
        String server = env("MYSQL_URL", "jdbc:mysql://127.0.0.1:3306/");
        String db = "caravan_bench_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        try (Connection c = DriverManager.getConnection(server, "root", ""); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db);
        }
        try (Connection writer = DriverManager.getConnection(server + db, "root", "");
             Connection reader = DriverManager.getConnection(server + db, "root", "")) {
            try (Statement st = writer.createStatement()) {
                st.execute("CREATE TABLE key_changes (id BIGINT AUTO_INCREMENT PRIMARY KEY, key_fingerprint VARCHAR(64), "
                        + "state VARCHAR(16), at_us BIGINT) ENGINE=InnoDB");
            }
            long[] micros = new long[changes];
            AtomicBoolean done = new AtomicBoolean();
            int[] seen = {0};
            long[] polls = {0};
            Thread poller = new Thread(() -> {
                long last = 0;
                try (PreparedStatement ps = reader.prepareStatement(
                        "SELECT id, at_us FROM key_changes WHERE id > ? ORDER BY id")) {
                    while (!done.get() && seen[0] < changes) {
                        ps.setLong(1, last);
                        try (ResultSet rs = ps.executeQuery()) {
                            long now = nowMicros();
                            while (rs.next()) {
                                last = rs.getLong(1);
                                if (seen[0] < changes) {
                                    micros[seen[0]++] = now - rs.getLong(2);
                                }
                            }
                        }
                        polls[0]++;
                        Thread.sleep(pollMs);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "bench-poller");
            poller.start();
            try (PreparedStatement ins = writer.prepareStatement(
                    "INSERT INTO key_changes (key_fingerprint, state, at_us) VALUES (?, ?, ?)")) {
                for (int i = 0; i < changes; i++) {
                    ins.setString(1, "fp" + (i % 4));
                    ins.setString(2, i % 8 < 4 ? "DISABLED" : "ACTIVE");
                    ins.setLong(3, nowMicros());
                    ins.executeUpdate();
                    Thread.sleep(gapMs);
                }
            }
            poller.join(30_000);
            done.set(true);
            return new Result("MariaDB table polled every " + pollMs + " ms", Arrays.copyOf(micros, seen[0]),
                    String.format("%d queries/s", 1000 / pollMs));
        } finally {
            try (Connection c = DriverManager.getConnection(server, "root", ""); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + db);
            }
        }
    }

    private static long pct(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }

    private static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
