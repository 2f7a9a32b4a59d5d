package dev.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.support.Gateway;
import dev.caravan.support.Jolokia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 9, Camel tooling: Caravan does not ship Camel's developer console (README, "Monitor"), but an operator who
 * adds it and switches it on with Camel's own properties still finds it behind the admin token.
 */
class GuardsTheDevConsoleLikeJolokiaTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("console-key-a")
            .set("camel.main.dev-console-enabled", "true")
            .set("camel.management.dev-console-enabled", "true");

    private final Jolokia management = new Jolokia(gateway);

    @Test
    void servesTheDevConsoleToTheAdminTokenOnly() throws Exception {
        assertThat(management.get("/q/dev", null).statusCode()).isEqualTo(401);
        assertThat(management.get("/q/dev/route", Jolokia.bearer(Gateway.TOKEN)).statusCode()).isEqualTo(401);
        assertThat(management.get("/q/dev", Jolokia.bearer(Gateway.ADMIN_TOKEN)).statusCode()).isEqualTo(200);
    }
}
