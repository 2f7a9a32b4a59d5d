package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.caravan.support.Gateway;
import dev.caravan.support.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, finding 3: a request body is buffered only as far as its caller's credentials allow, decided from the
 * request's head. Without a valid client token the API answers 401 without reading a byte of the body (through the
 * routes' own token check, so the 401 is counted and logged as any other), and the admin login reads at most 16 KB.
 * A client that has a credential still sends bodies up to MAX_BODY_SIZE, and the operators' own routes read theirs
 * as before. Each head here announces 19.5 MB and sends none of it: an answer at all proves the body was not awaited.
 */
class ReadsNoBodyBeforeTheCallerIsKnownTest {

    private static final int ANNOUNCED = 19_500_000;

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a")
            // its wrong-token requests come from one address: they must reach the body limit, not the guess throttle
            .set("caravan.client-token-max-failures", "100000")
            .customRoute("echo.yaml", """
                    - route:
                        id: custom-echo-length
                        from:
                          uri: platform-http:/custom/echo
                          steps:
                            - setBody:
                                simple: "${bodyAs(String).length()} bytes"
                    """);

    @Test
    void answersAWrongClientTokenWithoutReadingTheBody() throws Exception {
        double before = refusalsCounted();
        try (RawHttp c = RawHttp.connect(gateway.caravan().port(), 10_000)) {
            RawHttp.Answer a = c.send(announce("/v1beta/models/gemini-2.5-flash:generateContent", "x-goog-api-key: wrong-token"))
                    .read();

            assertThat(a.status()).isEqualTo(401);
            assertThat(a.body()).contains("\"status\":\"UNAUTHENTICATED\"");
            assertThat(c.closedByServer()).as("the unread body ends the connection").isTrue();
        }
        try (RawHttp c = RawHttp.connect(gateway.caravan().port(), 10_000)) {
            RawHttp.Answer a = c.send(announce("/v1/chat/completions", "Authorization: Bearer wrong-token")).read();

            assertThat(a.status()).isEqualTo(401);
            assertThat(a.body()).contains("\"type\":\"authentication_error\"");
        }
        try (RawHttp c = RawHttp.connect(gateway.caravan().port(), 10_000)) {
            assertThat(c.send(announce("/v1beta/models/gemini-2.5-flash:generateContent", "X-Other: no token at all"))
                    .read().status()).isEqualTo(401);
        }
        // gemini-balance's aliases lead to the same routes, and the same rule
        for (String alias : new String[] {"/gemini/v1beta/models/gemini-2.5-flash:generateContent", "/hf/v1/chat/completions"}) {
            try (RawHttp c = RawHttp.connect(gateway.caravan().port(), 10_000)) {
                assertThat(c.send(announce(alias, "x-goog-api-key: wrong-token")).read().status()).as(alias).isEqualTo(401);
            }
        }
        assertThat(gateway.stub().received()).isEmpty();
        // the routes answered: each 401 is counted as one with a small body would be (its rows are sampled)
        await().atMost(Duration.ofSeconds(10)).until(() -> refusalsCounted() >= before + 5);
    }

    /** caravan_unauthenticated_total summed over its labels, from the management port. */
    private static double refusalsCounted() throws Exception {
        String metrics = gateway.send(HttpRequest.newBuilder(URI.create(gateway.managementUrl("/observe/metrics"))).GET()).body();
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("caravan_unauthenticated_total{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    @Test
    void answersTheAdminApiWithoutASessionWithoutReadingTheBody() throws Exception {
        try (RawHttp c = RawHttp.connect(gateway.caravan().port(), 10_000)) {
            RawHttp.Answer a = c.send(announce("/admin/api/keys", "Authorization: Bearer not-the-admin-token")).read();

            assertThat(a.status()).isEqualTo(401);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void refusesALoginBodyOver16KbOnItsHead() throws Exception {
        try (RawHttp c = RawHttp.connect(gateway.caravan().port(), 10_000)) {
            RawHttp.Answer a = c.send(announce("/admin/api/login", "X-Login: yes")).read();

            assertThat(a.status()).isEqualTo(413);
            assertThat(c.closedByServer()).isTrue();
        }
        HttpResponse<String> ok = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/admin/api/login")))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + Gateway.ADMIN_TOKEN + "\"}")));
        assertThat(ok.statusCode()).as("a login of ordinary size").isEqualTo(200);
    }

    @Test
    void readsLargeBodiesForCallersWithACredential() throws Exception {
        // 2 MB of prompt: far over the login's limit, well under MAX_BODY_SIZE
        String big = Gateway.prompt("x".repeat(2_000_000));
        HttpResponse<String> api = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", big);
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(gateway.stub().received()).hasSize(1);
        assertThat(gateway.stub().received().get(0).bodyText()).isEqualTo(big);

        String keys = "{\"text\":\"" + "AIza" + "k".repeat(35) + " " + "-".repeat(1_000_000) + "\"}";
        HttpResponse<String> admin = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/admin/api/keys")))
                .header("Authorization", "Bearer " + Gateway.ADMIN_TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(keys)));
        assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
    }

    @Test
    void leavesTheOperatorsOwnRoutesAsTheyWere() throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/custom/echo")))
                .POST(HttpRequest.BodyPublishers.ofString("y".repeat(100_000))));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("100000 bytes");
    }

    private static String announce(String path, String credentialHeader) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + credentialHeader
                + "\r\nContent-Type: application/json\r\nContent-Length: " + ANNOUNCED + "\r\n\r\n";
    }
}
