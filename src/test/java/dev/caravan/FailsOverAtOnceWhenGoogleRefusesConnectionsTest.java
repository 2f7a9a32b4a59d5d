package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.caravan.keys.KeyFingerprint;
import dev.caravan.keys.KeyState;
import dev.caravan.support.Gateway;
import dev.caravan.support.Rows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, fault matrix: Google's address refuses connections (here a closed port on 127.0.0.1). Each attempt
 * fails at once, without waiting for TIME_OUT: a strike for its key and the next key; the client gets 502 in
 * Google's envelope; MAX_FAILURES such requests take every key out of rotation, after which the gateway answers 503
 * without trying; every request leaves its log row.
 */
class FailsOverAtOnceWhenGoogleRefusesConnectionsTest {

    private static final int CLOSED_PORT = closedPort();

    /** TIME_OUT of 30 s: a refused connection must not wait for it. */
    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b")
            .set("caravan.time-out", "30")
            .set("caravan.base-url", "http://127.0.0.1:" + CLOSED_PORT + "/v1beta");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @Test
    void eachAttemptFailsAtOnceStrikesItsKeyAndTheClientGets502ThenThePoolEmptiesTo503() throws Exception {
        Rows.Db db = gateway::openDatabase;
        int maxFailures = gateway.caravan().configuration().settings().maxFailures();

        for (int request = 1; request <= maxFailures; request++) {
            long start = System.nanoTime();
            HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello " + request));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            System.out.printf("FailsOverAtOnceWhenGoogleRefusesConnectionsTest: request %d answered 502 in %d ms%n",
                    request, took.toMillis());

            assertThat(res.statusCode()).isEqualTo(502);
            assertThat(res.body()).startsWith("{\"error\":{\"code\":502,\"message\":\"")
                    .endsWith("\",\"status\":\"UNAVAILABLE\"}}")
                    .doesNotContain("key-a", "key-b");
            // two refused connections, far from TIME_OUT's 30 s each
            assertThat(took).isLessThan(Duration.ofSeconds(10));
            assertThat(gateway.key("key-a").strikes()).isEqualTo(request);
            assertThat(gateway.key("key-b").strikes()).isEqualTo(request);
        }
        assertThat(gateway.key("key-a").state()).isEqualTo(KeyState.DISABLED);
        assertThat(gateway.key("key-b").state()).isEqualTo(KeyState.DISABLED);

        HttpResponse<String> emptied = gateway.post(FLASH, Gateway.prompt("anyone?"));

        assertThat(emptied.statusCode()).isEqualTo(503);
        assertThat(emptied.body()).endsWith("\",\"status\":\"UNAVAILABLE\"}}");
        // nothing ever reached a Google (the stub is not where BASE_URL points)
        assertThat(gateway.stub().received()).isEmpty();

        await().atMost(Duration.ofSeconds(10)).until(() -> Rows.count(db, "request_log") == maxFailures + 1);
        List<Map<String, Object>> rows = Rows.query(db, "SELECT status, attempt_count, attempts, error_type FROM request_log ORDER BY id");
        assertThat(rows.subList(0, maxFailures)).allSatisfy(row -> {
            assertThat(row).containsEntry("status", 502).containsEntry("attempt_count", 2)
                    .containsEntry("error_type", "UPSTREAM_FAILURE");
            assertThat((String) row.get("attempts")).contains(gateway.fingerprint("key-a"), gateway.fingerprint("key-b"))
                    .contains("\"status\":0");
        });
        assertThat(rows.get(maxFailures)).containsEntry("status", 503).containsEntry("attempt_count", 0)
                .containsEntry("error_type", "NO_USABLE_KEY");
    }

    /** A port on 127.0.0.1 that was free a moment ago: nothing listens there. */
    private static int closedPort() {
        try {
            return Gateway.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
