package dev.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.Gateway;
import dev.caravan.support.Jolokia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 9, Camel tooling: with JOLOKIA_ENABLED, Jolokia on the management port serves the admin token only (as a
 * Bearer token, or as the Basic password Hawtio sends) and, unless operations are allowed, only reads.
 */
class ServesJolokiaToTheAdminOnlyTest {

    /** The contract route every Gemini and OpenAI request goes through (direct:upstream-call). */
    private static String route() {
        return Jolokia.routeMBean(gateway, "upstream-call");
    }

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("jolokia-key-a").set("caravan.jolokia-enabled", "true");

    private final Jolokia jolokia = new Jolokia(gateway);

    @Test
    void readsTheExchangeCountersOfARouteTheRequestWentThrough() throws Exception {
        HttpResponse<String> res = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi"));
        assertThat(res.statusCode()).isEqualTo(200);

        await().untilAsserted(() -> {
            JsonNode read = jolokia.asAdmin(Jolokia.read(route(), "ExchangesTotal"));
            assertThat(read.path("status").asInt()).as(read.toString()).isEqualTo(200);
            assertThat(read.path("value").asLong()).isGreaterThanOrEqualTo(1);
        });
    }

    @Test
    void letsHawtioInWithTheAdminTokenAsBasicPassword() throws Exception {
        HttpResponse<String> res = jolokia.get(Jolokia.PATH + "/version", Jolokia.basic("admin", Gateway.ADMIN_TOKEN));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(Jolokia.json(res).path("value").path("agent").asText()).isNotEmpty();
    }

    @Test
    void refusesCallersWithoutTheAdminToken() throws Exception {
        JsonNode request = Jolokia.read(route(), "ExchangesTotal");
        for (String authorization : new String[] {null, Jolokia.bearer(Gateway.TOKEN),
                Jolokia.basic("admin", Gateway.TOKEN), Jolokia.bearer(Gateway.ADMIN_TOKEN + "x")}) {
            HttpResponse<String> res = jolokia.post(request, authorization);

            assertThat(res.statusCode()).as(String.valueOf(authorization)).isEqualTo(401);
            assertThat(res.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(res.body()).doesNotContain("\"value\"").doesNotContain(Gateway.ADMIN_TOKEN);
        }
        assertThat(jolokia.get(Jolokia.PATH + "/read/java.lang:type=Runtime/Uptime", null).statusCode()).isEqualTo(401);
    }

    @Test
    void refusesOperationsAndWritesWhileOperatorsHaveNotAllowedThem() throws Exception {
        gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi"));

        JsonNode stop = jolokia.asAdmin(Jolokia.exec(route(), "stop()"));
        JsonNode write = jolokia.asAdmin(Jolokia.read(route(), "Tracing").put("type", "write").put("value", true));

        assertThat(stop.path("status").asInt()).as(stop.toString()).isEqualTo(403);
        assertThat(write.path("status").asInt()).as(write.toString()).isEqualTo(403);
        assertThat(jolokia.asAdmin(Jolokia.read(route(), "State")).path("value").asText()).isEqualTo("Started");
        assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("still there"))
                .statusCode()).isEqualTo(200);
    }
}
