package dev.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.support.Gateway;
import dev.caravan.support.Jolokia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 9, Camel tooling: with the defaults neither Jolokia nor Camel's developer console is served, not even to the admin. */
class ServesNoJolokiaByDefaultTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("jolokia-key-a");

    private final Jolokia jolokia = new Jolokia(gateway);

    @Test
    void answers404OnJolokiaAndTheDevConsole() throws Exception {
        String admin = Jolokia.bearer(Gateway.ADMIN_TOKEN);

        assertThat(jolokia.get(Jolokia.PATH + "/version", admin).statusCode()).isEqualTo(404);
        assertThat(jolokia.post(Jolokia.read(Jolokia.routeMBean("upstream-call"), "ExchangesTotal"), admin).statusCode())
                .isEqualTo(404);
        assertThat(jolokia.get("/q/dev", admin).statusCode()).isEqualTo(404);
        assertThat(jolokia.get("/observe/health", null).statusCode()).as("the management server itself is up")
                .isEqualTo(200);
    }
}
