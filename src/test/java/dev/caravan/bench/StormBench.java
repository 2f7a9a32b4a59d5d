package dev.caravan.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * The storm benchmark (bench/storm.sh, bench/README.md "Storm benchmark"): a Google of {@link StormStub}, a gateway
 * pointed at it, and a {@link StormLoad} that asks for more than the pool's limits allow; then a {@link StormReport}.
 * The gateway is started by the caller: by storm.sh as {@code java -jar target/caravan.jar}, or in-process by the
 * smoke test. While the load runs the gateway's key table is read once a compressed minute, and once at the end.
 *
 * <pre>
 * java -cp target/test-classes:target/caravan.jar dev.caravan.bench.StormBench keys     # API_KEYS for the gateway
 * java -cp target/test-classes:target/caravan.jar dev.caravan.bench.StormBench tokens   # ALLOWED_TOKENS
 * java -cp target/test-classes:target/caravan.jar dev.caravan.bench.StormBench run      # stub + load + report
 * </pre>
 * {@code run} reads STORM_STUB_PORT (18191), STORM_GATEWAY_URL (http://127.0.0.1:18190), AUTH_TOKEN (the gateway's
 * admin token), STORM_OUT (the results file; none: standard output), STORM_TITLE and STORM_ABOUT_* lines for it.
 */
public final class StormBench {

    private StormBench() {
    }

    /** The client tokens of the load: one per client. */
    public static List<String> tokens(StormSettings s) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= s.clients(); i++) {
            out.add("storm-client-token-" + i);
        }
        return out;
    }

    /**
     * Waits for the gateway (at most {@code readyMillis}), starts the stub's clock, runs the load, and reports.
     */
    public static StormReport run(StormSettings s, StormStub stub, String gatewayUrl, List<String> tokens,
                                  String adminToken, long readyMillis) throws Exception {
        GatewayKeys keys = new GatewayKeys(gatewayUrl, adminToken);
        long deadline = System.nanoTime() + readyMillis * 1_000_000;
        while (!keys.ready()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the gateway at " + gatewayUrl + " did not answer its admin API with "
                        + "AUTH_TOKEN within " + readyMillis + " ms");
            }
            LockSupport.parkNanos(200_000_000L);
        }
        List<GatewayKeys.Snapshot> snapshots = java.util.Collections.synchronizedList(new ArrayList<>());
        stub.start();
        ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "storm-admin-watch");
            t.setDaemon(true);
            return t;
        });
        // a key disabled for a per-minute quota may be back a minute later: read the table every minute, not once
        watch.scheduleWithFixedDelay(() -> {
            try {
                snapshots.add(keys.snapshot(stub.now()));
            } catch (Exception e) {
                System.err.println("storm: could not read the gateway's keys: " + e);
            }
        }, s.minuteMillis() / 2, s.minuteMillis(), TimeUnit.MILLISECONDS);
        List<StormLoad.Result> results = new StormLoad(s, gatewayUrl, tokens, stub.epochNanos()).run();
        watch.shutdown();
        watch.awaitTermination(30, TimeUnit.SECONDS);
        snapshots.add(keys.snapshot(stub.now()));
        return new StormReport(s, results, stub, List.copyOf(snapshots));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        StormSettings s = StormSettings.fromEnvironment(env);
        String what = args.length == 0 ? "run" : args[0];
        switch (what) {
            case "keys" -> System.out.println(StormStub.apiKeys(s));
            case "tokens" -> {
                ArrayNode a = new ObjectMapper().createArrayNode();
                tokens(s).forEach(a::add);
                System.out.println(a);
            }
            case "run" -> runFromEnvironment(s, env);
            default -> {
                System.err.println("usage: StormBench keys | tokens | run");
                System.exit(2);
            }
        }
    }

    private static void runFromEnvironment(StormSettings s, Map<String, String> env) throws Exception {
        int port = Integer.parseInt(env.getOrDefault("STORM_STUB_PORT", "18191"));
        String gateway = env.getOrDefault("STORM_GATEWAY_URL", "http://127.0.0.1:18190");
        String admin = env.get("AUTH_TOKEN");
        if (admin == null || admin.isBlank()) {
            throw new IllegalArgumentException("AUTH_TOKEN: the gateway's admin token, to read its keys");
        }
        try (StormStub stub = StormStub.start(s, port)) {
            System.err.println("storm: stub of Google at " + stub.baseUrl() + ", waiting for the gateway at " + gateway);
            StormReport report = run(s, stub, gateway, tokens(s), admin, 120_000);
            Map<String, String> about = new LinkedHashMap<>();
            env.entrySet().stream().filter(e -> e.getKey().startsWith("STORM_ABOUT_")).sorted(Map.Entry.comparingByKey())
                    .forEach(e -> about.put(e.getKey().substring("STORM_ABOUT_".length()).toLowerCase().replace('_', ' '),
                            e.getValue()));
            String md = report.markdown(env.getOrDefault("STORM_TITLE", "Storm benchmark"), about);
            String out = env.get("STORM_OUT");
            if (out == null || out.isBlank()) {
                System.out.println(md);
            } else {
                Files.writeString(Path.of(out), md);
                System.err.println("storm: results in " + out);
            }
            for (StormReport.Figure f : report.figures()) {
                System.err.println("storm: " + f.name() + ": " + f.measured() + " (target " + f.target() + ")");
            }
        }
    }
}
