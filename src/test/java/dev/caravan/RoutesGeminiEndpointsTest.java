package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DESIGN §2, paths: every Gemini-native endpoint reaches Google at the same path under BASE_URL, with only the
 * query parameters Google defines for it, both under /v1beta and /gemini/v1beta.
 */
class RoutesGeminiEndpointsTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b")
            // no derived ids (ServesModelSuffixesOnTheNativePathTest): Google's list passes byte for byte
            .set("caravan.search-models", "").set("caravan.image-models", "").set("caravan.thinking-models", "");

    private static final String EMBEDDING = "{\"content\":{\"parts\":[{\"text\":\"embed me\"}]}}";
    private static final String EMBEDDED = "{\n  \"embedding\": {\"values\": [0.013168523, -0.008711934, -0.046782676]}\n}\n";

    private static void assertOneGet(String path, String query) {
        assertThat(gateway.stub().received()).hasSize(1);
        StubGemini.Received got = gateway.stub().received().get(0);
        assertThat(got.method()).isEqualTo("GET");
        assertThat(got.path()).isEqualTo(path);
        assertThat(got.query()).isEqualTo(query);
        assertThat(got.body()).isEmpty();
        assertThat(got.key()).isIn("key-a", "key-b");
    }

    private static void assertOnePost(String path, String body) {
        assertThat(gateway.stub().received()).hasSize(1);
        StubGemini.Received got = gateway.stub().received().get(0);
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.path()).isEqualTo(path);
        assertThat(got.query()).isNull();
        assertThat(got.body()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
        assertThat(got.key()).isIn("key-a", "key-b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/gemini"})
    void listsModelsPassingOnlyPageSizeAndPageToken(String prefix) throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.models()));

        HttpResponse<String> res = gateway.get(prefix + "/v1beta/models?pageSize=2&pageToken=page-2&key=" + Gateway.TOKEN
                + "&alt=sse&foo=bar&$fields=models");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.models());
        assertOneGet("/v1beta/models", "pageSize=2&pageToken=page-2");
    }

    @Test
    void listsModelsWithoutQueryWhenNoneWasGiven() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.models()));

        HttpResponse<String> res = gateway.get("/v1beta/models");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.models());
        assertOneGet("/v1beta/models", null);
    }

    @Test
    void keepsPageTokenIntactThroughEncoding() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.models()));

        HttpResponse<String> res = gateway.get("/v1beta/models?pageToken=Cg%2Bv%3D%3D%26x");

        assertThat(res.statusCode()).isEqualTo(200);
        assertOneGet("/v1beta/models", "pageToken=Cg%2Bv%3D%3D%26x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/gemini"})
    void getsOneModel(String prefix) throws Exception {
        String model = "{\"name\": \"models/gemini-2.5-flash\", \"displayName\": \"Gemini 2.5 Flash\", \"inputTokenLimit\": 1048576}";
        gateway.stub().answer(r -> new StubGemini.Json(200, model));

        HttpResponse<String> res = gateway.get(prefix + "/v1beta/models/gemini-2.5-flash");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(model);
        assertOneGet("/v1beta/models/gemini-2.5-flash", null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/gemini"})
    void countsTokens(String prefix) throws Exception {
        String answer = "{\n  \"totalTokens\": 31,\n  \"promptTokensDetails\": [{\"modality\": \"TEXT\", \"tokenCount\": 31}]\n}\n";
        gateway.stub().answer(r -> new StubGemini.Json(200, answer));
        String body = Gateway.prompt("how many tokens is this?");

        HttpResponse<String> res = gateway.post(prefix + "/v1beta/models/gemini-2.5-flash:countTokens", body);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(answer);
        assertOnePost("/v1beta/models/gemini-2.5-flash:countTokens", body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/gemini"})
    void embedsContent(String prefix) throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, EMBEDDED));

        HttpResponse<String> res = gateway.post(prefix + "/v1beta/models/text-embedding-004:embedContent", EMBEDDING);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(EMBEDDED);
        assertOnePost("/v1beta/models/text-embedding-004:embedContent", EMBEDDING);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/gemini"})
    void batchEmbedsContents(String prefix) throws Exception {
        String body = "{\"requests\":[{\"model\":\"models/text-embedding-004\",\"content\":{\"parts\":[{\"text\":\"one\"}]}},"
                + "{\"model\":\"models/text-embedding-004\",\"content\":{\"parts\":[{\"text\":\"two\"}]}}]}";
        String answer = "{\"embeddings\": [{\"values\": [0.1, 0.2]}, {\"values\": [0.3, 0.4]}]}";
        gateway.stub().answer(r -> new StubGemini.Json(200, answer));

        HttpResponse<String> res = gateway.post(prefix + "/v1beta/models/text-embedding-004:batchEmbedContents", body);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(answer);
        assertOnePost("/v1beta/models/text-embedding-004:batchEmbedContents", body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/gemini"})
    void generatesContent(String prefix) throws Exception {
        String body = Gateway.prompt("hello");

        HttpResponse<String> res = gateway.post(prefix + "/v1beta/models/gemini-2.5-flash:generateContent", body);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("hello"));
        assertOnePost("/v1beta/models/gemini-2.5-flash:generateContent", body);
    }
}
