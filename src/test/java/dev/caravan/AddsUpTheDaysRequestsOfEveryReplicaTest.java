package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import dev.caravan.keys.QuotaBudgets;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.PacificMidnight;
import dev.caravan.support.ScratchMariaDb;
import dev.caravan.support.SharedRedis;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15, README "Scale out": a per-day budget counts the requests of every replica. Two replicas share one key whose
 * project may make 4 requests a day (QUOTA_LIMITS); 3 go through one replica and 1 through the other, and then
 * neither sends a fifth.
 */
class AddsUpTheDaysRequestsOfEveryReplicaTest {

    private static final ScratchMariaDb MARIADB = ScratchMariaDb.create("caravan_day_counts_");
    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";
    // spaces keep "}}" out of the value (a property placeholder's end)
    private static final String FOUR_A_DAY = "{\"gemini-2.5-flash\": {\"rpd\": 4} }";

    @RegisterExtension
    @Order(1)
    static final SharedRedis redis = SharedRedis.relayed();

    @RegisterExtension
    @Order(2)
    static final Gateway a = redis.configure(MARIADB.configure(Gateway.withKeys("key-a")))
            .set("caravan.quota-limits", FOUR_A_DAY);

    @RegisterExtension
    @Order(3)
    static final Gateway b = redis.configure(MARIADB.configure(Gateway.withKeys("key-a")))
            .set("caravan.quota-limits", FOUR_A_DAY);

    @AfterAll
    static void dropScratchDatabase() throws Exception {
        a.stop();
        b.stop();
        MARIADB.drop();
    }

    private static long usedToday(Gateway g) {
        return g.pool().headroom().stream().filter(h -> h.model().equals("gemini-2.5-flash"))
                .mapToLong(h -> h.dayRequests().used()).findFirst().orElse(-1);
    }

    @Test
    void aPerDayBudgetSeesTheRequestsOfEveryReplica() throws Exception {
        // the day's count and per-day pauses end at Pacific midnight: none may pass during the test
        PacificMidnight.awaitClearOfMidnight();
        for (Gateway g : new Gateway[] {a, b}) {
            g.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("ok")));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(a.post(FLASH, Gateway.prompt("a " + i)).statusCode()).isEqualTo(200);
        }
        assertThat(b.post(FLASH, Gateway.prompt("b")).statusCode()).isEqualTo(200);

        // each replica adds its share about once a second
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(new long[] {usedToday(a), usedToday(b)})
                .containsExactly(4, 4));

        assertThat(b.post(FLASH, Gateway.prompt("b again")).statusCode()).isEqualTo(429);
        assertThat(a.post(FLASH, Gateway.prompt("a again")).statusCode()).isEqualTo(429);
        assertThat(a.stub().received()).hasSize(3);
        assertThat(b.stub().received()).hasSize(1);
        QuotaBudgets.Window day = b.pool().headroom().get(0).dayRequests();
        assertThat(day.limit()).isEqualTo(4);
        assertThat(day.headroom()).isZero();
    }
}
