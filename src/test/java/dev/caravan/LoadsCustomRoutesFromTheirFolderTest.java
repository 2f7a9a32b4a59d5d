package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.caravan.support.Gateway;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 9 §4: operators' own routes live in CUSTOM_ROUTES_DIR and are loaded at start next to routes/, with the
 * shipped flow intact; files that do not end in .yaml are left alone, and nothing watches the folder while running.
 */
class LoadsCustomRoutesFromTheirFolderTest {

    /** An operator's own endpoint that involves no Google call. */
    static final String PING = """
            # GET /custom/ping answers a constant JSON document
            - route:
                id: custom-ping
                from:
                  uri: platform-http:/custom/ping
                  parameters:
                    httpMethodRestrict: GET
                  steps:
                    - setHeader:
                        name: Content-Type
                        constant: application/json
                    - setBody:
                        constant: '{"pong":true}'
            """;

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a")
            .customRoute("ping.yaml", PING)
            .customRoute("README.md", "Notes for the team: not a route.")
            // a file switched off by its name: loaded, it would stop start-up (a mapping is not a list of routes)
            .customRoute("old.yaml.off", "switched: off\n");

    @Test
    void servesAnOperatorsRouteOverHttp() throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/custom/ping"))).GET());

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(res.body()).isEqualTo("{\"pong\":true}");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void keepsServingTheShippedRoutesBesideIt() throws Exception {
        HttpResponse<String> res = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi"));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(gateway.stub().received()).hasSize(1);
        assertThat(gateway.caravan().context().getRoute("custom-ping")).isNotNull();
        assertThat(gateway.caravan().context().getRoute("gemini-request")).isNotNull();
    }

    @Test
    void loadsOnlyTheFilesThatEndInYaml() {
        assertThat(gateway.caravan().context().getRoutes())
                .filteredOn(r -> r.getSourceResource() != null
                        && r.getSourceResource().getLocation().contains(gateway.customRoutesFolder().toString()))
                .extracting(r -> r.getRouteId())
                .containsExactly("custom-ping");
    }

    @Test
    void doesNotWatchTheFolderWhileRunning() {
        // reload is not offered (README, "Your own routes"): Camel's dropped the shipped routes on an edit
        assertThat(gateway.caravan().context().hasService(RouteWatcherReloadStrategy.class)).isNull();
    }
}
