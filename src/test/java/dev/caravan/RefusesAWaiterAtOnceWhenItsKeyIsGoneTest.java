package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14, the time a refused client waits for its 429: two requests were admitted to wait for the two projects'
 * next (compressed) minute; then one project's key leaves the pool (here an operator disables it; in a storm a project
 * is refused for the day). When the other key comes back, the first waiter is served and the one that came last, whose
 * room is gone, is refused then with Retry-After, not at the end of its 6 s wait (key-a's day ends with the first waiter).
 */
class RefusesAWaiterAtOnceWhenItsKeyIsGoneTest {

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a@proj-a", "key-b@proj-b")
            .set("caravan.quota-wait-seconds", "6")
            .set("caravan.quota-minute-seconds", "4")
            // spaces keep "}}" out of the value (a property placeholder's end)
            // one request a minute and two a day per project: key-a's day ends with the first waiter
            .set("caravan.quota-limits", "{\"gemini-2.5-flash\": {\"rpm\": 1, \"rpd\": 2} }");

    @Test
    void theLastWaiterIsRefusedWhenTheRoomItWaitedForIsGone() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));
        assertThat(gateway.post(FLASH, Gateway.prompt("a")).statusCode()).isEqualTo(200);
        assertThat(gateway.post(FLASH, Gateway.prompt("b")).statusCode()).isEqualTo(200);

        CompletableFuture<HttpResponse<String>> first = gateway.postAsync(FLASH, Gateway.prompt("waits 1"));
        await().atMost(Duration.ofSeconds(2)).until(() -> gateway.waitingForKeys() >= 1);
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> second = gateway.postAsync(FLASH, Gateway.prompt("waits 2"));
        await().atMost(Duration.ofSeconds(2)).until(() -> gateway.waitingForKeys() >= 2);

        AdminClient admin = new AdminClient(gateway).login();
        assertThat(admin.post("/admin/api/keys/actions", AdminClient.body("action", "disable", "fingerprints",
                List.of(gateway.key("key-b").fingerprint()))).statusCode()).isEqualTo(200);

        HttpResponse<String> refused = second.get();
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(tookMs).as("refused when key-a came back (4 s), not after the 6 s wait").isLessThan(5_500);
        assertThat(first.get().statusCode()).isEqualTo(200);
        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrder("key-a", "key-b", "key-a");
    }
}
