package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.caravan.support.Gateway;
import dev.caravan.support.Rows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16: the request_log row names a request by the exchange id its routes see (${exchangeId}), not by an id made
 * for the wire tap's copy of it, so an operator's route, Camel's tracing and the log speak of one request alike. The
 * operator's hook before each call to Google sends the id it sees as a header, which the stub records.
 */
class NamesLogRowsByTheRequestsOwnIdTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("own-id-key-a")
            .customRoute("exchange-id-header.camel.yaml", """
                    - route:
                        id: before-google
                        from:
                          uri: direct:before-google
                          steps:
                            - setHeader:
                                name: Caravan-Upstream-X-Exchange
                                simple: "${exchangeId}"
                    """);

    private final Rows.Db db = gateway::openDatabase;

    @Test
    void theRowCarriesTheIdTheRoutesSaw() throws Exception {
        long before = Rows.count(db, "request_log");

        HttpResponse<String> first = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent",
                Gateway.prompt("hello"));
        HttpResponse<String> second = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent",
                Gateway.prompt("again"));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        List<String> seen = gateway.stub().received().stream().map(r -> r.header("x-exchange")).toList();
        assertThat(seen).hasSize(2).doesNotContainNull().doesNotHaveDuplicates();
        await().atMost(Duration.ofSeconds(10)).until(() -> Rows.count(db, "request_log") >= before + 2);
        List<Object> ids = Rows.query(db, "SELECT request_id FROM request_log ORDER BY id").stream()
                .skip(before).map((Map<String, Object> row) -> row.get("request_id")).toList();
        assertThat(ids).containsExactlyElementsOf(seen);
    }
}
