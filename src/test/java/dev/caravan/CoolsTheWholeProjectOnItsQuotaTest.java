package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.caravan.keys.Project;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14, project-aware pool: API_KEYS entries say key@project; a quota 429 of one key pauses every key of its
 * project for that model, and a retry prefers a key of another project.
 */
class CoolsTheWholeProjectOnItsQuotaTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a1@proj-a", "key-a2@proj-a", "key-a3@proj-a", "key-b1@proj-b")
            .set("caravan.quota-wait-seconds", "0").set("caravan.max-retries", "2").set("caravan.max-failures", "100");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @Test
    void readsTheProjectOfEachKeyFromApiKeys() {
        assertThat(gateway.key("key-a1").project().name()).isEqualTo("proj-a");
        assertThat(gateway.key("key-a2").project()).isSameAs(gateway.key("key-a1").project());
        assertThat(gateway.key("key-b1").project().name()).isEqualTo("proj-b");
        assertThat(gateway.key("key-a1").projectSource()).isEqualTo(Project.Source.OPERATOR);
        assertThat(gateway.pool().sharedProjects()).containsOnlyKeys("proj-a");
    }

    @Test
    void aQuota429OnOneKeyPausesEveryKeyOfItsProject() throws Exception {
        gateway.stub().answer(r -> r.key().startsWith("key-a")
                ? new StubGemini.Json(429, GoogleBodies.quotaPerMinute("30s"))
                : new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));

        for (int i = 0; i < 8; i++) {
            HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello " + i));
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("from key-b1"));
        }

        // one key of proj-a was asked once; its siblings never, as they share its budget
        List<String> seen = gateway.stub().keysSeen();
        assertThat(seen.stream().filter(k -> k.startsWith("key-a")).count()).isEqualTo(1);
        assertThat(seen.stream().filter(k -> k.equals("key-b1")).count()).isEqualTo(8);
        String asked = seen.stream().filter(k -> k.startsWith("key-a")).findFirst().orElseThrow();
        for (String sibling : List.of("key-a1", "key-a2", "key-a3")) {
            if (!sibling.equals(asked)) {
                assertThat(gateway.key(sibling).cooldowns()).as("a sibling keeps no pause of its own").isEmpty();
            }
        }
        assertThat(gateway.key("key-a1").project().cooldowns()).containsKey("gemini-2.5-flash");
    }

    @Test
    void aRetryGoesToAnotherProject() throws Exception {
        for (int i = 0; i < 4; i++) {
            gateway.stub().reset();
            AtomicInteger n = new AtomicInteger();
            gateway.stub().answer(r -> n.getAndIncrement() == 0
                    ? new StubGemini.Json(500, GoogleBodies.internal())
                    : new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));

            assertThat(gateway.post(FLASH, Gateway.prompt("hello " + i)).statusCode()).isEqualTo(200);

            List<String> seen = gateway.stub().keysSeen();
            assertThat(seen).hasSize(2);
            // proj-a has three keys, proj-b one: the retry still leaves the project of the first attempt
            assertThat(gateway.key(seen.get(1)).project()).isNotSameAs(gateway.key(seen.get(0)).project());
        }
    }
}
