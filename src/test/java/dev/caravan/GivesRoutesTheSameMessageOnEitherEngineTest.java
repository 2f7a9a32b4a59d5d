package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.caravan.support.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The event-loop engine (DESIGN §6) fills an exchange's message itself, with less garbage than platform-http's stock
 * consumer: a route must not tell the two apart. The same request to the same route on each engine gives the same
 * headers, in the same order, with the same values, and the same body.
 */
class GivesRoutesTheSameMessageOnEitherEngineTest {

    /** One route per engine, each answering its whole message as text: the body, then the headers map. */
    static final String ECHO = echoRoute("worker", "workerHttpEngine") + echoRoute("event-loop", "eventLoopHttpEngine");

    private static String echoRoute(String engine, String bean) {
        return """
                - route:
                    id: custom-echo-%1$s
                    from:
                      uri: platform-http:/custom/%1$s/echo/{name}
                      parameters:
                        platformHttpEngine: "#%2$s"
                      steps:
                        - setHeader:
                            name: CamelVertxPlatformHttpRemoteAddress
                            simple: "${header.CamelVertxPlatformHttpRemoteAddress.hostAddress()}"
                        - setBody:
                            simple: "${bodyAs(String)} ${headers}"
                """.formatted(engine, bean);
    }

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a").customRoute("echo.yaml", ECHO);

    @Test
    void aRequestWithAQueryHeadersOfManyValuesAndBasicCredentials() throws Exception {
        String worker = echo("worker", "?alt=sse&b=1&b=2");
        String eventLoop = echo("event-loop", "?alt=sse&b=1&b=2");

        assertThat(eventLoop.replace("/event-loop/", "/ENGINE/")).isEqualTo(worker.replace("/worker/", "/ENGINE/"));
        assertThat(eventLoop).startsWith("{\"a\":1} {")
                .contains("alt=sse", "b=[1, 2]", "X-Multi=[one, two]", "Authorization=Basic dXNlcjpwYXNz",
                        "name=caravan", "CamelHttpMethod=POST", "CamelHttpQuery=alt=sse&b=1&b=2",
                        "CamelHttpCharacterEncoding=utf-8",
                        "CamelHttpPath=/custom/event-loop/echo/caravan",
                        "CamelHttpUri=/custom/event-loop/echo/caravan?alt=sse&b=1&b=2",
                        "CamelHttpUrl=http://127.0.0.1:", "CamelVertxPlatformHttpRemoteAddress=127.0.0.1",
                        "CamelVertxPlatformHttpLocalAddress=127.0.0.1:");
    }

    @Test
    void aRequestWithoutAQuery() throws Exception {
        String worker = echo("worker", "");
        String eventLoop = echo("event-loop", "");

        assertThat(eventLoop.replace("/event-loop/", "/ENGINE/")).isEqualTo(worker.replace("/worker/", "/ENGINE/"));
        assertThat(eventLoop).contains("CamelHttpQuery=null", "CamelHttpRawQuery=null", "X-Multi=[one, two]")
                .doesNotContain("alt=");
    }

    private static String echo(String engine, String query) throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(
                        URI.create(gateway.url("/custom/" + engine + "/echo/caravan" + query)))
                .header("Authorization", "Basic dXNlcjpwYXNz")
                .header("X-Multi", "one")
                .header("X-Multi", "two")
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return res.body();
    }
}
