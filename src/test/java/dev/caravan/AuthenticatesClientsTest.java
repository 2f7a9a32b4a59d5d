package dev.caravan;

import static dev.caravan.support.GoogleEnvelope.assertGoogleError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN §2, client authentication: the token is accepted as x-goog-api-key, ?key= or Authorization: Bearer, is
 * never forwarded, and a missing or wrong one gets 401 in Google's envelope before anything goes upstream.
 */
class AuthenticatesClientsTest {

    // this class sends wrong tokens from one address on purpose, in any order: the guess throttle (the subject of
    // ThrottlesClientTokenGuessesTest) must not turn its 401s into 429s
    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a", "pool-key-b")
            .set("caravan.client-token-max-failures", "1000");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    private static HttpRequest.Builder generate(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(gateway.url(pathAndQuery)))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("hi")));
    }

    private static void assertServedWithPoolKeyOnly() {
        assertThat(gateway.stub().received()).hasSize(1);
        StubGemini.Received got = gateway.stub().received().get(0);
        assertThat(got.key()).isIn("pool-key-a", "pool-key-b");
        assertThat(got.query()).isNull();
        assertThat(got.header("authorization")).isNull();
        assertThat(got.headers().values().stream().flatMap(v -> v.stream()).toList()).noneMatch(v -> v.contains(Gateway.TOKEN));
        assertThat(got.path()).doesNotContain(Gateway.TOKEN);
    }

    @Test
    void acceptsTokenInGoogApiKeyHeader() throws Exception {
        HttpResponse<String> res = gateway.send(generate(FLASH).header("x-goog-api-key", Gateway.TOKEN));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("hello"));
        assertServedWithPoolKeyOnly();
    }

    @Test
    void acceptsTokenInKeyQueryParameter() throws Exception {
        HttpResponse<String> res = gateway.send(generate(FLASH + "?key=" + Gateway.TOKEN));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("hello"));
        assertServedWithPoolKeyOnly();
    }

    @Test
    void acceptsTokenAsBearer() throws Exception {
        HttpResponse<String> res = gateway.send(generate(FLASH).header("authorization", "Bearer " + Gateway.TOKEN));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("hello"));
        assertServedWithPoolKeyOnly();
    }

    @Test
    void acceptsTokenOnListingModelsWithoutForwardingIt() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.models()));

        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1beta/models?key=" + Gateway.TOKEN))).GET());

        assertThat(res.statusCode()).isEqualTo(200);
        // Google's list, with the derived ids (-search, -non-thinking) Caravan adds after it
        assertThat(res.body()).contains("\"models/gemini-2.5-flash\"", "\"models/text-embedding-004\"",
                "\"models/gemini-2.5-flash-search\"");
        assertServedWithPoolKeyOnly();
    }

    @Test
    void refusesMissingTokenWith401InGooglesEnvelope() throws Exception {
        HttpResponse<String> res = gateway.send(generate(FLASH));

        assertGoogleError(res, 401, "UNAUTHENTICATED");
        assertThat(res.headers().firstValue("retry-after")).isEmpty();
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void refusesWrongTokenInEveryForm() throws Exception {
        HttpResponse<String> header = gateway.send(generate(FLASH).header("x-goog-api-key", "wrong-token"));
        HttpResponse<String> query = gateway.send(generate(FLASH + "?key=wrong-token"));
        HttpResponse<String> bearer = gateway.send(generate(FLASH).header("authorization", "Bearer wrong-token"));
        HttpResponse<String> basic = gateway.send(generate(FLASH).header("authorization", "Basic " + Gateway.TOKEN));
        HttpResponse<String> empty = gateway.send(generate(FLASH).header("x-goog-api-key", ""));

        for (HttpResponse<String> res : List.of(header, query, bearer, basic, empty)) {
            String message = assertGoogleError(res, 401, "UNAUTHENTICATED");
            assertThat(message).doesNotContain("wrong-token");
        }
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void echoesNoRequestHeaderInTheRefusal() throws Exception {
        HttpResponse<String> res = gateway.send(generate(FLASH).header("x-goog-api-key", "wrong-token")
                .header("x-custom", "custom-value").header("cookie", "session=secret-session"));

        assertGoogleError(res, 401, "UNAUTHENTICATED");
        assertThat(res.headers().map().keySet()).noneMatch(n -> n.equalsIgnoreCase("x-goog-api-key")
                || n.equalsIgnoreCase("x-custom") || n.equalsIgnoreCase("cookie") || n.toLowerCase().startsWith("camel"));
        assertThat(res.headers().map().values().stream().flatMap(v -> v.stream()).toList())
                .noneMatch(v -> v.contains("wrong-token") || v.contains("secret-session"));
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void refusesAPoolKeyPresentedAsClientToken() throws Exception {
        HttpResponse<String> res = gateway.send(generate(FLASH).header("x-goog-api-key", "pool-key-a"));

        assertGoogleError(res, 401, "UNAUTHENTICATED");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void refusesUnauthenticatedModelListing() throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1beta/models?pageSize=5"))).GET());

        assertGoogleError(res, 401, "UNAUTHENTICATED");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void refusesUnauthenticatedRequestsBeforeReadingTheirInput() throws Exception {
        // malformed JSON without a token: the answer is about the token, and Google sees nothing
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url(FLASH)))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{not json")));

        assertGoogleError(res, 401, "UNAUTHENTICATED");
        assertThat(gateway.stub().received()).isEmpty();
    }
}
