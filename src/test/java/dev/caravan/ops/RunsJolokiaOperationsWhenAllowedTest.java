package dev.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.support.Gateway;
import dev.caravan.support.Jolokia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, Camel tooling: once an operator sets JOLOKIA_ALLOW_OPERATIONS, the admin may run MBean operations through
 * Jolokia (here: reset a route's counters), but never a heap dump, which would write every key in memory to disk.
 * That the default refuses operations is in {@link ServesJolokiaToTheAdminOnlyTest}.
 */
class RunsJolokiaOperationsWhenAllowedTest {

    private static String route() {
        return Jolokia.routeMBean(gateway, "upstream-call");
    }

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("jolokia-key-a")
            .set("caravan.jolokia-enabled", "true")
            .set("caravan.jolokia-allow-operations", "true");

    private final Jolokia jolokia = new Jolokia(gateway);

    @Test
    void resetsARoutesCountersWhenOperationsAreAllowed() throws Exception {
        gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi"));
        await().until(() -> jolokia.asAdmin(Jolokia.read(route(), "ExchangesTotal")).path("value").asLong() >= 1);

        JsonNode reset = jolokia.asAdmin(Jolokia.exec(route(), "reset()"));

        assertThat(reset.path("status").asInt()).as(reset.toString()).isEqualTo(200);
        assertThat(jolokia.asAdmin(Jolokia.read(route(), "ExchangesTotal")).path("value").asLong()).isZero();
    }

    @Test
    void neverDumpsTheHeap(@TempDir Path dir) throws Exception {
        Path dump = dir.resolve("caravan.hprof");
        ObjectNode request = Jolokia.exec("com.sun.management:type=HotSpotDiagnostic", "dumpHeap");
        request.putArray("arguments").add(dump.toString()).add(true);

        JsonNode answer = jolokia.asAdmin(request);

        assertThat(answer.path("status").asInt()).as(answer.toString()).isEqualTo(403);
        assertThat(Files.exists(dump)).isFalse();
    }
}
