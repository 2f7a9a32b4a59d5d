package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Locale;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14, honest waits: a key whose project nobody named learns Google's limit as its own budget, but once Google
 * refuses it before it alone could have spent its window (here another consumer of its project spends two of the
 * three requests each minute), its budget's room is not the project's. Such a key promises no room to a waiting
 * request: the request is refused at once with Retry-After instead of waiting for a reset whose room others take.
 */
class PromisesNoRoomOfAnUnknownSharedProjectTest {

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final long MINUTE_MS = 2_000;
    private static final int LIMIT = 3;
    /** Requests of each window spent by a consumer of the project outside the gateway. */
    private static final int OTHERS = 2;

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-shared-elsewhere")
            .set("caravan.quota-wait-seconds", "6")
            .set("caravan.quota-minute-seconds", "2");

    /** Google for one project whose fixed windows are also spent by another consumer. */
    private static final class Google {
        final long origin = System.currentTimeMillis();
        long window = Long.MIN_VALUE;
        int spent;

        synchronized StubGemini.Reply answer(StubGemini.Received r) {
            long now = System.currentTimeMillis();
            long w = (now - origin) / MINUTE_MS;
            if (w != window) {
                window = w;
                spent = OTHERS;
            }
            if (spent < LIMIT) {
                spent++;
                return new StubGemini.Json(200, GoogleBodies.generateContent("ok"));
            }
            long ms = origin + (w + 1) * MINUTE_MS - now;
            return new StubGemini.Json(429, LearnsProjectsFromGooglesAnswersTest.perMinute(LIMIT,
                    String.format(Locale.ROOT, "%d.%03ds", ms / 1000, ms % 1000), null));
        }
    }

    @Test
    void aRequestIsRefusedAtOnceWhenTheOnlyKeyComingBackShares() throws Exception {
        Google google = new Google();
        gateway.stub().answer(google::answer);

        // the window's one request left; then a refusal, and the request waits for the reset, as Google's limit
        // (learned from that 429) says the key's budget has room again then
        assertThat(gateway.post(FLASH, Gateway.prompt("first")).statusCode()).isEqualTo(200);
        assertThat(gateway.post(FLASH, Gateway.prompt("waits for the reset")).statusCode()).isEqualTo(200);
        int calls = gateway.stub().received().size();

        // refused again after one request served in the window: the key shares its project with someone
        long start = System.nanoTime();
        HttpResponse<String> third = gateway.post(FLASH, Gateway.prompt("nothing promised"));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("Retry-After")).isPresent();
        assertThat(tookMs).as("refused at once, not after waiting for a reset others spend").isLessThan(1_000);
        assertThat(gateway.stub().received()).as("one call for it, the refused one").hasSize(calls + 1);
        assertThat(gateway.pool().learning().sharesUnknown(gateway.key("key-shared-elsewhere"))).isTrue();
    }
}
