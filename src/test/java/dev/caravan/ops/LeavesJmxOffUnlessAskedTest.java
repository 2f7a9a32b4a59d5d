package dev.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.support.Gateway;
import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16: JMX is off unless an operator asks for it (JMX_ENABLED=true, or JOLOKIA_ENABLED=true, which reads it).
 * With JMX on, Camel wraps every step of every request in its statistics bookkeeping even when only routes keep
 * figures: about 6% of a request's CPU, for counts the caravan_* metrics already have. RegistersRoutesButNoStepsInJmxTest
 * and the Jolokia tests cover the two ways to turn it on.
 */
class LeavesJmxOffUnlessAskedTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("jmx-off-key-a");

    @Test
    void noRouteKeepsJmxStatisticsAndNoCamelMBeanIsRegistered() throws Exception {
        CamelContext context = gateway.caravan().context();

        assertThat(context.getRoutes()).extracting(Route::getRouteId).contains("upstream-call", "gemini-request");
        assertThat(context.getRoutes())
                .allSatisfy(route -> assertThat(route.getManagementInterceptStrategy()).as(route.getRouteId()).isNull());
        assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(
                new ObjectName("org.apache.camel:context=" + context.getManagementName() + ",*"), null)).isEmpty();
    }
}
