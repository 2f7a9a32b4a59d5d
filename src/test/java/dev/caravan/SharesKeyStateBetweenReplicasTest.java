package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.caravan.cluster.SharedKeyState;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyState;
import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.LogCapture;
import dev.caravan.support.PacificMidnight;
import dev.caravan.support.ScratchMariaDb;
import dev.caravan.support.SharedRedis;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15, README "Scale out": two replicas (two real Caravans in this JVM, each with its own stub Google) share one
 * MariaDB database and one Redis (the machine's, behind a relay the test can cut). What one learns about a key, the
 * other honours within a second; when Redis goes away both keep serving, and they catch up when it is back.
 */
class SharesKeyStateBetweenReplicasTest {

    private static final ScratchMariaDb MARIADB = ScratchMariaDb.create("caravan_replicas_");
    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String ADDED = "AIza" + "SyR1234567890abcdefghijklmnopqrstuv";

    @RegisterExtension
    @Order(1)
    static final SharedRedis redis = SharedRedis.relayed();

    @RegisterExtension
    @Order(2)
    static final Gateway a = redis.configure(MARIADB.configure(Gateway.withKeys("key-a", "key-b")));

    @RegisterExtension
    @Order(3)
    static final Gateway b = redis.configure(MARIADB.configure(Gateway.withKeys("key-a", "key-b")));

    @AfterAll
    static void dropScratchDatabase() throws Exception {
        a.stop();
        b.stop();
        MARIADB.drop();
    }

    private static SharedKeyState shared(Gateway g) {
        return g.caravan().configuration().sharedKeyStates().get("gemini");
    }

    /** key-a answers A with a per-day 429, every other call gets a 200. */
    private static void keyAOutOfDailyQuotaAtA() {
        a.stub().answer(r -> "key-a".equals(r.key()) ? new StubGemini.Json(429, GoogleBodies.quotaPerDay())
                : new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));
    }

    private static void bothAnswer200() {
        for (Gateway g : List.of(a, b)) {
            g.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));
        }
    }

    private static boolean cooling(Gateway g, String secret) {
        ApiKey.Cooldown c = g.key(secret).cooldowns().get("gemini-2.5-flash");
        return c != null && c.untilMillis() > System.currentTimeMillis();
    }

    private static void awaitConnected() {
        await().atMost(Duration.ofSeconds(15)).until(() -> shared(a).connected() && shared(b).connected());
    }

    @Test
    void aPerDay429SeenByOneReplicaStopsTheOtherFromUsingThatKey() throws Exception {
        // the day's count and per-day pauses end at Pacific midnight: none may pass during the test
        PacificMidnight.awaitClearOfMidnight();
        awaitConnected();
        keyAOutOfDailyQuotaAtA();
        bothAnswer200Only(b);
        // A's first pick is key-a half the time: ask until A has met its 429
        for (int i = 0; i < 4 && !a.stub().keysSeen().contains("key-a"); i++) {
            assertThat(a.post(FLASH, Gateway.prompt("a " + i)).statusCode()).isEqualTo(200);
        }
        assertThat(cooling(a, "key-a")).isTrue();

        // the bound: in force on the other replica within one second
        await().atMost(Duration.ofSeconds(1)).until(() -> cooling(b, "key-a"));
        for (int i = 0; i < 6; i++) {
            assertThat(b.post(FLASH, Gateway.prompt("b " + i)).statusCode()).isEqualTo(200);
        }

        assertThat(b.stub().keysSeen()).hasSize(6).containsOnly("key-b");
        assertThat(a.stub().keysSeen().stream().filter("key-a"::equals)).hasSize(1);
        assertThat(b.key("key-a").cooldowns().get("gemini-2.5-flash").untilMillis())
                .isEqualTo(a.key("key-a").cooldowns().get("gemini-2.5-flash").untilMillis());
    }

    private static void bothAnswer200Only(Gateway g) {
        g.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));
    }

    @Test
    void anOperatorsDisableAndEnableOnOneReplicaHoldOnTheOther() throws Exception {
        awaitConnected();
        bothAnswer200();
        AdminClient admin = new AdminClient(a).login();
        String fp = a.key("key-a").fingerprint();

        admin.post("/admin/api/keys/actions", AdminClient.body("action", "disable", "fingerprints", List.of(fp)));
        await().atMost(Duration.ofSeconds(1)).until(() -> b.key("key-a").manuallyDisabled());
        for (int i = 0; i < 4; i++) {
            assertThat(b.post(FLASH, Gateway.prompt("b " + i)).statusCode()).isEqualTo(200);
        }
        assertThat(b.stub().keysSeen()).hasSize(4).containsOnly("key-b");
        assertThat(b.key("key-a").state()).isEqualTo(KeyState.DISABLED);

        b.stub().reset();
        bothAnswer200();
        admin.post("/admin/api/keys/actions", AdminClient.body("action", "enable", "fingerprints", List.of(fp)));
        await().atMost(Duration.ofSeconds(1)).until(() -> b.key("key-a").state() == KeyState.ACTIVE);
        for (int i = 0; i < 4; i++) {
            assertThat(b.post(FLASH, Gateway.prompt("b again " + i)).statusCode()).isEqualTo(200);
        }
        assertThat(b.stub().keysSeen()).contains("key-a", "key-b");
    }

    @Test
    void bothReplicasServeWhileRedisIsAwayAndCatchUpWhenItIsBack() throws Exception {
        awaitConnected();
        keyAOutOfDailyQuotaAtA();
        bothAnswer200Only(b);
        try (LogCapture log = LogCapture.warningsAndErrors()) {
            redis.cut();
            await().atMost(Duration.ofSeconds(10)).until(() -> !shared(a).connected() && !shared(b).connected());

            AtomicInteger served = new AtomicInteger();
            for (int i = 0; i < 4 && !a.stub().keysSeen().contains("key-a"); i++) {
                served.addAndGet(a.post(FLASH, Gateway.prompt("a " + i)).statusCode() == 200 ? 1 : 0);
            }
            assertThat(cooling(a, "key-a")).isTrue();
            for (int i = 0; i < 4; i++) {
                served.addAndGet(b.post(FLASH, Gateway.prompt("b " + i)).statusCode() == 200 ? 1 : 0);
            }
            // B could not hear of it: it still uses key-a, and every request of both was served
            assertThat(b.stub().keysSeen()).contains("key-a");
            assertThat(served.get()).isEqualTo(a.stub().keysSeen().size() - 1 + 4);

            redis.restore();
            await().atMost(Duration.ofSeconds(15)).until(() -> cooling(b, "key-a"));
            b.stub().reset();
            bothAnswer200Only(b);
            for (int i = 0; i < 4; i++) {
                assertThat(b.post(FLASH, Gateway.prompt("b after " + i)).statusCode()).isEqualTo(200);
            }
            assertThat(b.stub().keysSeen()).hasSize(4).containsOnly("key-b");
            // one warning per replica for the whole outage, however many reconnects failed meanwhile
            assertThat(log.lines().stream().filter(l -> l.contains("Redis is unreachable"))).hasSize(2);
        }
    }

    @Test
    void measuresHowLongAChangeTakesToTheOtherReplica() throws Exception {
        awaitConnected();
        bothAnswer200();
        AdminClient admin = new AdminClient(a).login();
        String fp = a.key("key-b").fingerprint();
        long before = shared(b).staleness().count();
        int changes = 200;

        for (int i = 0; i < changes; i++) {
            boolean disable = i % 2 == 0;
            admin.post("/admin/api/keys/actions", AdminClient.body("action", disable ? "disable" : "enable",
                    "fingerprints", List.of(fp)));
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(1))
                    .until(() -> b.key("key-b").manuallyDisabled() == disable);
        }

        assertThat(shared(b).staleness().count() - before).isGreaterThanOrEqualTo(changes);
        long p50 = shared(b).staleness().percentileMicros(50);
        long p99 = shared(b).staleness().percentileMicros(99);
        System.out.printf("Shared key state, A to B through Redis: p50 %.2f ms, p99 %.2f ms over %d changes%n",
                p50 / 1000.0, p99 / 1000.0, changes);
        assertThat(p99).isLessThan(1_000_000L);
        // operators see it too, on the management port
        String metrics = b.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                b.managementUrl("/observe/metrics"))).GET()).body();
        assertThat(metrics).contains("caravan_shared_key_state_connected{pool=\"gemini\"} 1.0")
                .contains("caravan_shared_key_state_staleness_p99_seconds{pool=\"gemini\"}");
    }

    @Test
    void aKeyAddedOrDeletedOnOneReplicaIsAddedOrDeletedOnTheOther() throws Exception {
        awaitConnected();
        bothAnswer200();
        AdminClient admin = new AdminClient(a).login();

        admin.post("/admin/api/keys", AdminClient.body("text", "one more: " + ADDED));
        String fp = a.fingerprint(ADDED);
        // the key itself reaches B through the database they share, never through Redis
        await().atMost(Duration.ofSeconds(5)).until(() -> b.pool().byFingerprint(fp) != null);
        for (int i = 0; i < 6; i++) {
            assertThat(b.post(FLASH, Gateway.prompt("b " + i)).statusCode()).isEqualTo(200);
        }
        assertThat(b.stub().keysSeen()).containsOnly("key-a", "key-b", ADDED).contains(ADDED);

        admin.post("/admin/api/keys/actions", AdminClient.body("action", "delete", "fingerprints", List.of(fp)));
        await().atMost(Duration.ofSeconds(1)).until(() -> b.pool().byFingerprint(fp) == null);
        b.stub().reset();
        bothAnswer200();
        for (int i = 0; i < 6; i++) {
            assertThat(b.post(FLASH, Gateway.prompt("b after " + i)).statusCode()).isEqualTo(200);
        }
        assertThat(b.stub().keysSeen()).hasSize(6).doesNotContain(ADDED);
    }
}
