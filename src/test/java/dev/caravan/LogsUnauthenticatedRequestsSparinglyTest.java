package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.caravan.support.FromAddress;
import dev.caravan.support.Gateway;
import dev.caravan.support.Rows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, finding 5: requests without a valid token are noise anybody can send, so they no longer write a
 * request_log and an error_log row each. Every one is counted in caravan_unauthenticated_total{surface,reason}; per
 * interval (UNAUTHENTICATED_LOG_SECONDS) the first of each address gets its rows, and the rest one summary row each
 * that carries their count and the address. Every refused request is accounted for in the rows.
 */
class LogsUnauthenticatedRequestsSparinglyTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a").set("caravan.unauthenticated-log-seconds", "2");

    private static final Pattern SUMMARY = Pattern.compile("^(\\d+) more unauthenticated requests? \\(HTTP (\\d+)\\) from (\\S+) ");
    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";
    private final Rows.Db db = gateway::openDatabase;

    @Test
    void writesTheFirstRefusalOfEachAddressAndASummaryOfTheRest() throws Exception {
        FromAddress first = FromAddress.of("127.0.0.31", gateway);
        FromAddress second = FromAddress.of("127.0.0.32", gateway);
        for (int i = 0; i < 30; i++) {
            assertThat(first.post(FLASH, "application/json", Gateway.prompt("x")).status()).isEqualTo(401);
        }
        for (int i = 0; i < 10; i++) {
            assertThat(second.get("/v1/models", "Authorization", "Bearer wrong-" + (i % 4)).status()).isIn(401, 429);
        }
        assertThat(gateway.stub().received()).isEmpty();

        // every refusal is either a row of its own or counted in a summary row, once the summaries are written
        await().atMost(Duration.ofSeconds(20)).until(() -> accountedFor("127.0.0.31") + accountedFor("127.0.0.32") == 40);

        List<Map<String, Object>> rows = Rows.query(db, "SELECT * FROM request_log WHERE status IN (401, 429)");
        assertThat(rows.size()).as("a handful of rows for 40 refusals, not 40").isLessThanOrEqualTo(12);
        assertThat(Rows.query(db, "SELECT id FROM error_log WHERE status IN (401, 429)")).hasSize(rows.size());
        String metrics = gateway.send(HttpRequest.newBuilder(URI.create(gateway.managementUrl("/observe/metrics"))).GET()).body();
        assertThat(metrics).contains("caravan_unauthenticated_total{reason=\"missing\",surface=\"gemini\"} 30.0");
        assertThat(counter(metrics, "wrong") + counter(metrics, "throttled")).isEqualTo(10.0);
        assertThat(Rows.everything(db)).doesNotContain("wrong-0", "wrong-1", "wrong-2", "wrong-3");
    }

    @Test
    void samplesRequestsForPathsNoRouteServesLikewise() throws Exception {
        FromAddress scanner = FromAddress.of("127.0.0.33", gateway);
        for (int i = 0; i < 20; i++) {
            assertThat(scanner.get("/wp-admin/probe-" + i + ".php").status()).isEqualTo(404);
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> {
            long own = Rows.query(db, "SELECT r.id FROM request_log r JOIN error_log e ON e.request_id = r.request_id "
                    + "WHERE r.status = 404 AND (e.error_body IS NULL OR e.error_body NOT LIKE '% more unauthenticated %')").size();
            long counted = 0;
            for (Map<String, Object> e : Rows.query(db, "SELECT error_body FROM error_log WHERE status = 404")) {
                Matcher m = SUMMARY.matcher(String.valueOf(e.get("error_body")));
                if (m.find() && m.group(3).equals("127.0.0.33")) {
                    counted += Long.parseLong(m.group(1));
                }
            }
            return own + counted == 20;
        });

        assertThat(Rows.query(db, "SELECT * FROM request_log WHERE status = 404").size()).isLessThanOrEqualTo(6);
        String metrics = gateway.send(HttpRequest.newBuilder(URI.create(gateway.managementUrl("/observe/metrics"))).GET()).body();
        assertThat(metrics).contains("caravan_unauthenticated_total{reason=\"unknown_path\",surface=\"openai\"} 20.0");
    }

    /**
     * The refusals of {@code address} that the rows account for: summary rows carry the address and a count; a row of
     * its own does not carry the address, so those are told apart by what the summaries leave over.
     */
    private long accountedFor(String address) {
        long counted = 0;
        for (Map<String, Object> e : Rows.query(db, "SELECT error_body FROM error_log")) {
            Matcher m = SUMMARY.matcher(String.valueOf(e.get("error_body")));
            if (m.find() && m.group(3).equals(address)) {
                counted += Long.parseLong(m.group(1));
            }
        }
        // this test's two addresses have rows of their own on distinct surfaces: gemini for .31, openai for .32
        String surface = address.endsWith(".31") ? "gemini" : "openai";
        long own = Rows.query(db, "SELECT r.id FROM request_log r JOIN error_log e ON e.request_id = r.request_id "
                + "WHERE r.surface = ? AND r.status IN (401, 429) "
                + "AND (e.error_body IS NULL OR e.error_body NOT LIKE '% more unauthenticated %')",
                surface).size();
        return counted + own;
    }

    private static double counter(String metrics, String reason) {
        Matcher m = Pattern.compile("caravan_unauthenticated_total\\{reason=\"" + reason + "\",surface=\"openai\"} (\\S+)")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }
}
