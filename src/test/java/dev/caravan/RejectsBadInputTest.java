package dev.caravan;

import static dev.caravan.support.GoogleEnvelope.assertGoogleError;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN §2, errors: bad input is refused in Google's envelope with an honest status (400 malformed, 404 unknown
 * path, 405 wrong method, 413 too large) before anything goes upstream, and a burst of it does not hurt the gateway.
 */
class RejectsBadInputTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b").set("caravan.max-body-bytes", "2048");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(gateway.url(path))).header("x-goog-api-key", Gateway.TOKEN);
    }

    @Test
    void refusesMalformedJsonWith400() throws Exception {
        HttpResponse<String> res = gateway.post(FLASH, "{\"contents\": [");

        assertGoogleError(res, 400, "INVALID_ARGUMENT");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void refusesBodiesThatAreNotOneJsonObjectWith400() throws Exception {
        for (String body : List.of("", "[]", "\"text\"", "42", "{} {}", "{\"a\":1}]", "null")) {
            HttpResponse<String> res = gateway.post(FLASH, body);
            assertGoogleError(res, 400, "INVALID_ARGUMENT");
        }
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void refusesBodyOverTheLimitWith413() throws Exception {
        String big = Gateway.prompt("x".repeat(4096));

        HttpResponse<String> res = gateway.post(FLASH, big);

        assertGoogleError(res, 413, "INVALID_ARGUMENT");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void refusesChunkedBodyOverTheLimitWith413() throws Exception {
        byte[] big = Gateway.prompt("x".repeat(4096)).getBytes();

        HttpResponse<String> res = gateway.send(request(FLASH).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));

        assertGoogleError(res, 413, "INVALID_ARGUMENT");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void acceptsBodyJustUnderTheLimit() throws Exception {
        String body = Gateway.prompt("y".repeat(1900));
        assertThat(body.length()).isLessThan(2048);

        HttpResponse<String> res = gateway.post(FLASH, body);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(gateway.stub().received()).hasSize(1);
        assertThat(gateway.stub().received().get(0).bodyText()).isEqualTo(body);
    }

    @Test
    void answersUnknownPathsWith404() throws Exception {
        for (String path : List.of("/nothing", "/v1beta", "/v1beta/filez", "/v1beta/models/gemini-2.5-flash/extra",
                "/v2/models/gemini-2.5-flash:generateContent")) {
            HttpResponse<String> res = gateway.send(request(path).GET());
            assertGoogleError(res, 404, "NOT_FOUND");
        }
        HttpResponse<String> unknownAction = gateway.post("/v1beta/models/gemini-2.5-flash:doMagic1", Gateway.prompt("hi"));
        assertGoogleError(unknownAction, 404, "NOT_FOUND");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void refusesModelNamesThatCouldReachAnotherUpstreamPath() throws Exception {
        for (String op : List.of("..:generateContent", "%2e%2e%2Ffiles:generateContent", "a%2Fb:generateContent", "-x:generateContent")) {
            HttpResponse<String> res = gateway.post("/v1beta/models/" + op, Gateway.prompt("hi"));
            assertThat(res.statusCode()).as(op).isIn(400, 404);
            assertThat(res.body()).as(op).startsWith("{\"error\":{\"code\":" + res.statusCode() + ",");
        }
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void answersWrongMethodsWith405() throws Exception {
        List<HttpResponse<String>> answers = List.of(
                gateway.send(request(FLASH).GET()),
                gateway.send(request(FLASH).DELETE()),
                gateway.send(request(FLASH).PUT(HttpRequest.BodyPublishers.ofString(Gateway.prompt("hi")))
                        .header("content-type", "application/json")),
                gateway.send(request("/v1beta/models").DELETE()),
                gateway.send(request("/v1beta/models").POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .header("content-type", "application/json")),
                gateway.send(request("/v1beta/models/gemini-2.5-flash").DELETE()));

        for (HttpResponse<String> res : answers) {
            assertGoogleError(res, 405, "METHOD_NOT_ALLOWED");
        }
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void refusesFormEncodedBodiesInGooglesEnvelope() throws Exception {
        HttpResponse<String> res = gateway.send(request(FLASH).header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("contents=hello&x=%ZZ")));

        assertGoogleError(res, 400, "INVALID_ARGUMENT");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void staysUpAfterABurstOfBadRequests() throws Exception {
        List<HttpRequest.Builder> bad = List.of(
                request(FLASH).header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{oops")),
                request(FLASH).GET(),
                request(FLASH).DELETE(),
                request("/v1beta/models/..:generateContent").header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")),
                request("/v1beta/nothing").GET(),
                request(FLASH).header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("z".repeat(5000)))),
                HttpRequest.newBuilder(URI.create(gateway.url(FLASH))).header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("no token"))),
                request(FLASH).header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("")));
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<Integer>> statuses = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                HttpRequest.Builder b = bad.get(i % bad.size()).copy();
                statuses.add(threads.submit(() -> gateway.send(b).statusCode()));
            }
            for (Future<Integer> f : statuses) {
                assertThat(f.get()).isIn(400, 401, 404, 405, 413);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(gateway.stub().received()).isEmpty();

        HttpResponse<String> good = gateway.post(FLASH, Gateway.prompt("still there?"));

        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(good.body()).isEqualTo(GoogleBodies.generateContent("hello"));
        assertThat(gateway.stub().received()).hasSize(1);
    }
}
