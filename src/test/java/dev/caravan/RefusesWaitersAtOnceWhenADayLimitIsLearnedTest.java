package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.PacificMidnight;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14, honest waits: a request waits for a project's next minute while no day limit is known. When Google then
 * names the model's day limit (a per-day 429's quotaValue, on another project of the same tier), the room that request
 * was promised is gone (its project spent that many requests today already): it is refused at once, with
 * Retry-After, not when its wait or the minute ends.
 */
class RefusesWaitersAtOnceWhenADayLimitIsLearnedTest {

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a@proj-a", "key-b@proj-b", "key-c@proj-c")
            .set("caravan.quota-wait-seconds", "8")
            .set("caravan.quota-minute-seconds", "6")
            // spaces keep "}}" out of the value (a property placeholder's end)
            .set("caravan.quota-limits", "{\"gemini-2.5-flash\": {\"rpm\": 1} }");

    @Test
    void aWaiterWhoseDayIsSpentUnderTheLearnedLimitIsRefusedAtOnce() throws Exception {
        // the day's count and per-day pauses end at Pacific midnight: none may pass during the test
        PacificMidnight.awaitClearOfMidnight();
        // key-c's project is out for the day, which Google says a while after the call (a slow answer)
        String dayOfOne = GoogleBodies.quotaPerDay().replace("\"quotaValue\": \"250\"", "\"quotaValue\": \"1\"");
        assertThat(dayOfOne).contains("\"quotaValue\": \"1\"");
        gateway.stub().answer(r -> r.key().equals("key-c")
                ? new StubGemini.Delayed(Duration.ofMillis(1_500), new StubGemini.Json(429, dayOfOne))
                : new StubGemini.Json(200, GoogleBodies.generateContent("ok")));

        // each project's one request of the minute: proj-a and proj-b served, proj-c's call on its way
        assertThat(gateway.post(FLASH, Gateway.prompt("a")).statusCode()).isEqualTo(200);
        assertThat(gateway.post(FLASH, Gateway.prompt("b")).statusCode()).isEqualTo(200);
        CompletableFuture<HttpResponse<String>> slow = gateway.postAsync(FLASH, Gateway.prompt("c"));
        await().atMost(Duration.ofSeconds(2)).until(() -> gateway.stub().received().size() >= 3);

        // every budget is spent for the minute: this one waits for the next (no day limit is known yet)
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> waiter = gateway.postAsync(FLASH, Gateway.prompt("waits"));
        await().atMost(Duration.ofSeconds(2)).until(() -> gateway.waitingForKeys() >= 1);

        HttpResponse<String> res = waiter.get();
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(slow.get().statusCode()).isEqualTo(429);
        assertThat(res.statusCode()).isEqualTo(429);
        assertThat(res.headers().firstValue("Retry-After")).isPresent();
        // refused when the day limit of 1 was learned (about 1.5 s), not when the 6 s minute moved on
        assertThat(tookMs).as("refused once the day limit was learned").isLessThan(4_000);
        assertThat(gateway.stub().received()).as("Google never saw the refused one").hasSize(3);
    }
}
