package dev.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import dev.caravan.support.Jolokia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 9, Camel tooling: Jolokia is no faster way to guess the admin token than the admin API. Wrong tokens on
 * either count towards one limit, and past it both answer 429 with Retry-After, even to the right token.
 */
class ThrottlesTokenGuessesOnJolokiaTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("jolokia-key-a").set("caravan.jolokia-enabled", "true");

    @Test
    void theSixthWrongTokenInAMinuteLocksJolokiaAndTheAdminApi() throws Exception {
        Jolokia jolokia = new Jolokia(gateway);
        for (int i = 0; i < 4; i++) {
            assertThat(jolokia.get(Jolokia.PATH + "/version", Jolokia.basic("admin", "guess-" + i)).statusCode())
                    .isEqualTo(401);
        }
        assertThat(new AdminClient(gateway).login("guess-at-the-page").statusCode()).isEqualTo(401);

        HttpResponse<String> right = jolokia.get(Jolokia.PATH + "/version", Jolokia.bearer(Gateway.ADMIN_TOKEN));

        assertThat(right.statusCode()).isEqualTo(429);
        assertThat(right.headers().firstValue("retry-after").map(Long::parseLong).orElseThrow()).isBetween(1L, 60L);
        assertThat(right.body()).doesNotContain("\"value\"");
        assertThat(new AdminClient(gateway).login(Gateway.ADMIN_TOKEN).statusCode()).isEqualTo(429);
    }
}
