package dev.caravan.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import dev.caravan.support.Gateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The storm benchmark in miniature, so that it cannot rot unseen: a few seconds of compressed minutes against the
 * real Caravan main and routes, with 6 keys in 3 projects. It checks the benchmark's own bookkeeping (the clients got
 * exactly what the stub served, the storm did exceed the limits, every figure was measured), not the pool's targets,
 * which bench/storm.sh reports; the one target asserted is one the pool already keeps: no key is disabled for a
 * per-minute quota.
 */
class StormBenchSmokeTest {

    private static final StormSettings SETTINGS = StormSettings.fromEnvironment(Map.of(
            "STORM_PROJECTS", "3", "STORM_KEYS_PER_PROJECT", "2", "STORM_MINUTE_SECONDS", "1",
            "STORM_MODELS", "gemini-2.5-flash=2/6,gemini-2.5-flash-lite=3/1000", "STORM_MINUTES", "5",
            "STORM_CLIENTS", "2", "STORM_CLIENT_TIMEOUT_SECONDS", "20"));
    private static final StormStub STUB = start();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(STUB.keys().stream().map(StormStub.Key::secret).toArray(String[]::new))
            .set("caravan.base-url", STUB.baseUrl())
            .set("caravan.allowed-tokens", StormBench.tokens(SETTINGS).stream()
                    .map(t -> "\"" + t + "\"").reduce((x, y) -> x + "," + y).map(s -> "[" + s + "]").orElseThrow());

    private static StormStub start() {
        try {
            return StormStub.start(SETTINGS, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopStub() {
        STUB.close();
    }

    @Test
    void aSmallStormIsMeasuredEndToEnd() throws Exception {
        StormReport report = StormBench.run(SETTINGS, STUB, gateway.url(""), StormBench.tokens(SETTINGS),
                Gateway.ADMIN_TOKEN, 30_000);

        // the load asked for twice what the limits allow, and Google refused the rest per minute
        assertThat(report.results).hasSizeGreaterThan(100);
        assertThat(report.refusedPerMinute()).isPositive();
        assertThat(report.status(0)).as("every client got an answer").isZero();
        assertThat(report.unknownKey()).as("the gateway sent only the pool's keys").isZero();
        // what the clients were served is what Google served, and no more than the limits allow
        assertThat(report.served()).isPositive().isEqualTo(report.stubServed());
        assertThat(report.allowed()).isPositive().isLessThanOrEqualTo(report.upperBound());
        assertThat(report.servedRatio()).isGreaterThan(0.3);
        // flash's day (6 = 3 minutes of 2) ran out during the load: refusals with nothing coming back were measured
        assertThat(report.refusedWaits()).isNotEmpty();
        assertThat(report.minuteResets()).as("refused windows reset while the load went on").isNotEmpty();
        assertThat(report.maxDisabledPerMinute()).isZero();

        String md = report.markdown("Storm smoke", Map.of("gateway", "in-process"));
        for (StormReport.Figure f : report.figures()) {
            assertThat(md).contains("| " + f.name() + " | " + f.target() + " | " + f.measured());
        }
        assertThat(md).contains(" × status 429 with Retry-After, e.g. `Every API key is cooling down for gemini-2.5-flash");
        assertThat(md).contains("STORM_MODELS", "gemini-2.5-flash-lite (3 per minute, 1000 per day per project)");
        assertThat(md.lines().filter(l -> l.startsWith("| ")).count()).as("a header and five figures").isEqualTo(6);
    }
}
