package dev.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.support.Gateway;
import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16, memory: with JMX_ENABLED=true, JMX shows Caravan's routes (what jconsole, Hawtio and Jolokia read) but no
 * MBean per processor step. With statistics kept per route those step MBeans had no figures to show, and their
 * thousand-odd entries held about 17 MB of heap for the life of the process.
 */
class RegistersRoutesButNoStepsInJmxTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withEnvironment(Map.of(
            "API_KEYS", "[\"jmx-key-a\"]",
            "ALLOWED_TOKENS", "[\"" + Gateway.TOKEN + "\"]",
            "AUTH_TOKEN", Gateway.ADMIN_TOKEN,
            "JMX_ENABLED", "true"));

    @Test
    void registersTheRouteMBeansAndNoProcessorMBeans() throws Exception {
        var server = ManagementFactory.getPlatformMBeanServer();
        String context = gateway.caravan().context().getManagementName();

        assertThat(server.queryNames(new ObjectName("org.apache.camel:context=" + context + ",type=routes,*"), null))
                .extracting(name -> name.getKeyProperty("name"))
                .contains("\"upstream-call\"", "\"gemini-request\"");
        assertThat(server.queryNames(new ObjectName("org.apache.camel:context=" + context + ",type=processors,*"), null))
                .isEmpty();
    }
}
