package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14: a request waits for a key only when one will be left for it. With two paced projects of one request per
 * (compressed) minute, the two keys that come back within the wait are promised to the first two requests waiting;
 * a third would wait the whole QUOTA_WAIT_SECONDS for nothing, so it is refused at once, with Retry-After, and
 * Google is not asked.
 */
class WaitsOnlyWhereAKeyIsLeftForItTest {

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a@proj-a", "key-b@proj-b")
            .set("caravan.quota-wait-seconds", "6")
            .set("caravan.quota-minute-seconds", "2")
            // spaces keep "}}" out of the value (a property placeholder's end)
            .set("caravan.quota-limits", "{\"gemini-2.5-flash\": {\"rpm\": 1} }");

    @Test
    void aThirdWaiterIsRefusedAtOnceWhenTwoKeysComeBack() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));
        // each project's one request of the minute
        assertThat(gateway.post(FLASH, Gateway.prompt("a")).statusCode()).isEqualTo(200);
        assertThat(gateway.post(FLASH, Gateway.prompt("b")).statusCode()).isEqualTo(200);

        CompletableFuture<HttpResponse<String>> first = gateway.postAsync(FLASH, Gateway.prompt("waits 1"));
        await().atMost(Duration.ofSeconds(2)).until(() -> gateway.waitingForKeys() >= 1);
        CompletableFuture<HttpResponse<String>> second = gateway.postAsync(FLASH, Gateway.prompt("waits 2"));
        await().atMost(Duration.ofSeconds(2)).until(() -> gateway.waitingForKeys() >= 2);

        long start = System.nanoTime();
        HttpResponse<String> third = gateway.post(FLASH, Gateway.prompt("nothing left for me"));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("Retry-After")).isPresent();
        assertThat(tookMs).as("refused at once, not after the 6 s wait").isLessThan(1_500);
        // the two that waited are served once their keys' minute moved on
        assertThat(first.get().statusCode()).isEqualTo(200);
        assertThat(second.get().statusCode()).isEqualTo(200);
        assertThat(gateway.stub().keysSeen()).as("Google never saw the refused one").hasSize(4);
    }
}
