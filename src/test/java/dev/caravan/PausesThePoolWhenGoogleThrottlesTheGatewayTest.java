package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyState;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14, "egress throttling is not a dead pool": when many projects refuse without a quota reason within seconds,
 * the pool pauses briefly (and says so) instead of retiring every key.
 */
class PausesThePoolWhenGoogleThrottlesTheGatewayTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a@p1", "key-b@p2", "key-c@p3", "key-d@p4", "key-e@p5")
            .set("caravan.egress-throttle-projects", "3").set("caravan.egress-throttle-window-seconds", "10")
            .set("caravan.quota-wait-seconds", "0").set("caravan.max-retries", "1");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @Test
    void pausesThePoolAndRetiresNoKeyWhenManyProjectsRefuseAtOnce() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(403, GoogleBodies.forbidden("ACCESS_TOKEN_SCOPE_INSUFFICIENT")));

        HttpResponse<String> first = gateway.post(FLASH, Gateway.prompt("hello"));

        // three projects refused within seconds: the pool paused after the third, and those keys went back
        assertThat(gateway.stub().keysSeen()).hasSize(3).doesNotHaveDuplicates();
        assertThat(gateway.pool().egress().trips()).isEqualTo(1);
        for (ApiKey k : gateway.pool().keys()) {
            assertThat(k.state()).as(k.fingerprint()).isEqualTo(KeyState.ACTIVE);
        }
        assertThat(first.statusCode()).isIn(429, 503);

        gateway.stub().reset();
        HttpResponse<String> during = gateway.post(FLASH, Gateway.prompt("during the pause"));
        assertThat(during.statusCode()).isEqualTo(429);
        assertThat(during.headers().firstValue("retry-after")).hasValueSatisfying(
                v -> assertThat(Long.parseLong(v)).isBetween(1L, 2L));
        assertThat(gateway.stub().received()).isEmpty();
        String metrics = gateway.http().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(gateway.managementUrl("/observe/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("caravan_pool_paused{pool=\"gemini\"} 1.0");
    }
}
