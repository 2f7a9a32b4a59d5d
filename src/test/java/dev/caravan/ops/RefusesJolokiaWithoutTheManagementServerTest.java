package dev.caravan.ops;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Properties;

import dev.caravan.Caravan;
import dev.caravan.support.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, Camel tooling: JOLOKIA_ENABLED with Camel's management server switched off stops start-up with a message
 * that names the variable, rather than starting without the Jolokia the operator asked for.
 */
class RefusesJolokiaWithoutTheManagementServerTest {

    @Test
    void refusesToStartAndSaysWhy(@TempDir Path data) throws Exception {
        Properties p = new Properties();
        p.setProperty("caravan.port", String.valueOf(Gateway.freePort()));
        p.setProperty("caravan.auth-token", Gateway.ADMIN_TOKEN);
        p.setProperty("caravan.sqlite-database", data.resolve("caravan.db").toString());
        p.setProperty("caravan.jolokia-enabled", "true");
        p.setProperty("camel.management.enabled", "false");

        assertThatThrownBy(() -> new Caravan(p).start())
                .hasMessageContaining("JOLOKIA_ENABLED")
                .hasMessageContaining("camel.management.enabled");
    }
}
