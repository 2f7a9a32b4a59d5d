package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14, budgets aligned with Google's windows, through the real gateway: the stub counts fixed (compressed)
 * minutes of 3 s, as Google does, and its 429 says in RetryInfo.retryDelay when the window resets. Caravan's budget
 * then counts the same windows: the project is served again as soon as Google's window resets, not a whole rolling
 * minute after the requests it counted late in the old window.
 */
class ServesAProjectAgainAtGooglesWindowResetTest {

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final long WINDOW_MS = 3_000;

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a@proj-a")
            .set("caravan.quota-wait-seconds", "0")
            .set("caravan.quota-minute-seconds", "3")
            // the operator believes 3 a minute; Google's own limit is 2 and its 429 says so
            .set("caravan.quota-limits", "{\"gemini-2.5-flash\": {\"rpm\": 3} }");

    @Test
    void aProjectRefusedLateInGooglesWindowIsServedAgainAtItsReset() throws Exception {
        long epoch = System.nanoTime();
        int[] served = {0};
        long[] window = {-1};
        gateway.stub().answer(r -> {
            long t = (System.nanoTime() - epoch) / 1_000_000;
            synchronized (served) {
                if (t / WINDOW_MS != window[0]) {
                    window[0] = t / WINDOW_MS;
                    served[0] = 0;
                }
                if (served[0] >= 2) {
                    long left = WINDOW_MS - t % WINDOW_MS;
                    return new StubGemini.Json(429, GoogleBodies.quotaPerMinute(String.format("%d.%03ds", left / 1000,
                            left % 1000)).replace("\"10\"", "\"2\""));
                }
                served[0]++;
            }
            return new StubGemini.Json(200, GoogleBodies.generateContent("ok"));
        });
        // late in a window of Google's: two requests are served, the third is refused by Google
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> (System.nanoTime() - epoch) / 1_000_000 % WINDOW_MS >= 1_800);
        long windowEnd = ((System.nanoTime() - epoch) / 1_000_000 / WINDOW_MS + 1) * WINDOW_MS;
        assertThat(gateway.post(FLASH, Gateway.prompt("one")).statusCode()).isEqualTo(200);
        assertThat(gateway.post(FLASH, Gateway.prompt("two")).statusCode()).isEqualTo(200);
        HttpResponse<String> third = gateway.post(FLASH, Gateway.prompt("three"));
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(gateway.stub().keysSeen()).hasSize(3);

        // Caravan knows when Google's window resets: not a rolling minute after the requests it counted
        long untilReset = windowEnd - (System.nanoTime() - epoch) / 1_000_000;
        assertThat(gateway.pool().retryAfterMillis("gemini-2.5-flash")).isBetween(0L, untilReset + 300);

        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
                .until(() -> gateway.pool().retryAfterMillis("gemini-2.5-flash") == 0);
        long servedAt = (System.nanoTime() - epoch) / 1_000_000;
        assertThat(gateway.post(FLASH, Gateway.prompt("four")).statusCode()).isEqualTo(200);
        assertThat(gateway.post(FLASH, Gateway.prompt("five")).statusCode()).isEqualTo(200);
        assertThat(servedAt - windowEnd).as("served again within a second of Google's reset").isBetween(0L, 1_000L);
        // Google's limit of 2 is now the budget's: the sixth is Caravan's own 429, Google is not asked
        assertThat(gateway.post(FLASH, Gateway.prompt("six")).statusCode()).isEqualTo(429);
        assertThat(gateway.stub().keysSeen()).hasSize(5);
    }
}
