package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * URL_NORMALIZATION_ENABLED=true (gemini-balance §1.10): a messy path that no route serves reaches Google as the
 * canonical call it meant, with the client's body, query and pool key; the model comes from the path or ?model=
 * only, and what the rules must not guess (a bad model, the admin and health doors) stays a 404 that costs nothing.
 */
class NormalizesUnroutedPathsWhenAskedTest {

    private static final List<String> POOL = List.of("norm-key-a", "norm-key-b");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(POOL.toArray(String[]::new))
            .set("caravan.url-normalization-enabled", "true")
            .set("caravan.models-cache-seconds", "0");

    @BeforeEach
    void stubAnswersLikeGoogle() {
        gateway.stub().answer(r -> {
            if (r.path().equals("/v1beta/models")) {
                return new StubGemini.Json(200, GoogleBodies.models());
            }
            if (r.path().endsWith(":streamGenerateContent")) {
                return new StubGemini.Sse("text/event-stream", List.of(GoogleBodies.sseEvent("streamed")), java.time.Duration.ZERO, false);
            }
            return new StubGemini.Json(200, GoogleBodies.generateContent("normalised"));
        });
    }

    private static HttpResponse<String> call(String method, String pathAndQuery, String body) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.url(pathAndQuery)))
                .header("Authorization", "Bearer " + Gateway.TOKEN)
                .header("content-type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    private static StubGemini.Received onlyUpstreamRequest() {
        List<StubGemini.Received> seen = gateway.stub().received();
        assertThat(seen).hasSize(1);
        StubGemini.Received up = seen.get(0);
        assertThat(up.key()).isIn(POOL);
        assertThat(up.header("authorization")).isNull();
        return up;
    }

    @Test
    void aNativeCallUnderV1WithASlashReachesGoogleAsGenerateContent() throws Exception {
        String body = Gateway.prompt("hi");

        HttpResponse<String> res = call("POST", "/v1/models/gemini-2.5-flash/generateContent", body);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("normalised");
        StubGemini.Received up = onlyUpstreamRequest();
        assertThat(up.method()).isEqualTo("POST");
        assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(up.bodyText()).isEqualTo(body);
    }

    @Test
    void theModelAndStreamFromTheQueryMakeAStreamAndTheQueryStays() throws Exception {
        // the client's token travels in ?key=, as Google's clients send it: the rewrite keeps the query
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url(
                        "/api/generateContent?model=gemini-2.5-pro&stream=true&alt=sse&key=" + Gateway.TOKEN)))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("stream me"))));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("streamed");
        StubGemini.Received up = onlyUpstreamRequest();
        assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.5-pro:streamGenerateContent");
        assertThat(up.query()).isEqualTo("alt=sse");
        assertThat(up.bodyText()).isEqualTo(Gateway.prompt("stream me"));
    }

    @Test
    void anOpenAiChatWithoutV1IsTranslatedAsOnV1() throws Exception {
        HttpResponse<String> res = call("POST", "/chat/completions",
                "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(res.body()).at("/choices/0/message/content").asText()).isEqualTo("normalised");
        StubGemini.Received up = onlyUpstreamRequest();
        assertThat(up.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(JSON.readTree(up.body()).at("/contents/0/parts/0/text").asText()).isEqualTo("hi");
    }

    @Test
    void aModelListByKeywordIsTheList() throws Exception {
        HttpResponse<String> res = call("GET", "/api/v1/model", null);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(res.body()).path("data").findValuesAsText("id")).contains("gemini-2.5-flash");
        assertThat(onlyUpstreamRequest().path()).isEqualTo("/v1beta/models");
    }

    @Test
    void aPathARouteServesIsNeverRewritten() throws Exception {
        // gemini-balance would turn countTokens into generateContent: Caravan serves it, so it passes as sent
        call("POST", "/v1beta/models/gemini-2.5-flash:countTokens", Gateway.prompt("count"));

        assertThat(onlyUpstreamRequest().path()).isEqualTo("/v1beta/models/gemini-2.5-flash:countTokens");
    }

    @Test
    void whatItMustNotGuessStaysA404ThatCostsNothing() throws Exception {
        for (String[] c : new String[][] {
                {"POST", "/v1/models/gemini-2.5-flash/generateContent?model=bad%2F..%2Fmodel"},
                {"POST", "/generateContent"},
                {"GET", "/health/v1/models"},
                {"POST", "/upload/v1beta/models/gemini-2.5-flash/generateContent"},
                {"POST", "/something/else"}}) {
            HttpResponse<String> res = call(c[0], c[1], Gateway.prompt("no"));

            assertThat(res.statusCode()).as(c[1]).isEqualTo(404);
            assertThat(JSON.readTree(res.body()).at("/error/message").asText()).as(c[1]).startsWith("No such endpoint");
        }
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void anAdminPathIsNeverRewritten() throws Exception {
        HttpResponse<String> res = call("POST", "/admin/v1/chat/completions",
                "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(res.statusCode()).isIn(404, 405);
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void aRewrittenCallStillNeedsTheClientsToken() throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(
                        URI.create(gateway.url("/v1/models/gemini-2.5-flash/generateContent")))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("hi"))));

        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(gateway.stub().received()).isEmpty();
    }
}
