package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.openai.models.models.Model;
import dev.caravan.support.Gateway;
import dev.caravan.support.OpenAiSdk;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenAI's Java SDK lists models through the gateway: Google's ids without {@code models/}, minus FILTERED_MODELS,
 * plus the derived {@code -search}, {@code -image} and {@code -non-thinking} ids the settings ask for; the list is
 * kept for MODELS_CACHE_SECONDS, so Google is asked once per period.
 */
class OpenAiSdkModelsTest {

    private static final List<String> POOL = List.of("models-pool-key-a", "models-pool-key-b");
    private static final Duration TTL = Duration.ofSeconds(2);

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(POOL.toArray(String[]::new))
            .set("caravan.search-models", "[\"gemini-2.5-flash\"]")
            .set("caravan.image-models", "[\"gemini-2.0-flash-exp\"]")
            .set("caravan.thinking-models", "[\"gemini-2.5-flash\",\"gemini-2.5-pro\"]")
            .set("caravan.filtered-models", "[\"gemini-1.5-pro\"]")
            .set("caravan.models-cache-seconds", String.valueOf(TTL.toSeconds()));

    @RegisterExtension
    static final OpenAiSdk.Session sdk = OpenAiSdk.session(gateway);

    @BeforeEach
    void stubListsModels() {
        gateway.stub().answer(r -> r.path().equals("/v1beta/models")
                ? new StubGemini.Json(200, """
                        {
                          "models": [
                            {"name": "models/gemini-2.5-flash", "displayName": "Gemini 2.5 Flash", "supportedGenerationMethods": ["generateContent"]},
                            {"name": "models/gemini-1.5-pro", "displayName": "Gemini 1.5 Pro", "supportedGenerationMethods": ["generateContent"]},
                            {"name": "models/gemini-2.0-flash-exp", "displayName": "Gemini 2.0 Flash Experimental", "supportedGenerationMethods": ["generateContent"]},
                            {"name": "models/text-embedding-004", "displayName": "Text Embedding 004", "supportedGenerationMethods": ["embedContent"]}
                          ]
                        }
                        """)
                : new StubGemini.Json(404, "{\"error\":{\"code\":404,\"message\":\"not here\",\"status\":\"NOT_FOUND\"}}"));
    }

    @Test
    void sdkRetrievesOneModelAndAnAliasAsksGoogleAboutItsBase() {
        gateway.stub().answer(r -> r.path().equals("/v1beta/models/gemini-2.5-flash")
                ? new StubGemini.Json(200, "{\"name\": \"models/gemini-2.5-flash\", \"displayName\": \"Gemini 2.5 Flash\"}")
                : new StubGemini.Json(404, "{\"error\":{\"code\":404,\"message\":\"models/nope is not found\",\"status\":\"NOT_FOUND\"}}"));

        Model plain = sdk.client().models().retrieve("gemini-2.5-flash");
        Model alias = sdk.client().models().retrieve("gemini-2.5-flash-search");

        assertThat(plain.id()).isEqualTo("gemini-2.5-flash");
        assertThat(alias.id()).isEqualTo("gemini-2.5-flash-search");
        assertThat(gateway.stub().received()).extracting(StubGemini.Received::path)
                .containsExactly("/v1beta/models/gemini-2.5-flash", "/v1beta/models/gemini-2.5-flash");
        assertThat(gateway.stub().received()).allSatisfy(r -> assertThat(r.key()).isIn(POOL));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sdk.client().models().retrieve("nope"))
                .isInstanceOf(com.openai.errors.NotFoundException.class);
    }

    @Test
    void sdkListsGooglesModelsWithDerivedIdsAndWithoutFilteredOnes() {
        List<Model> models = listFromGoogle();

        assertThat(models).extracting(Model::id).containsExactlyInAnyOrder(
                "gemini-2.5-flash", "gemini-2.0-flash-exp", "text-embedding-004",
                "gemini-2.5-flash-search", "gemini-2.0-flash-exp-image", "gemini-2.5-flash-non-thinking",
                // CREATE_IMAGE_MODEL as gemini-balance's image chat model
                "gemini-3.1-flash-image-chat");
        // gemini-2.5-pro is a thinking model in the settings, but Google did not list it: no alias for it
        assertThat(models).allSatisfy(m -> assertThat(m.ownedBy()).isEqualTo("google"));
        StubGemini.Received up = gateway.stub().received().get(0);
        assertThat(up.method()).isEqualTo("GET");
        assertThat(up.path()).isEqualTo("/v1beta/models");
        assertThat(up.query()).isEqualTo("pageSize=1000");
        assertThat(up.key()).isIn(POOL);
        assertThat(up.header("authorization")).isNull();
    }

    @Test
    void secondListWithinTheTtlIsAnsweredFromTheCacheAndOneAfterItAsksGoogleAgain() {
        List<Model> first = listFromGoogle();

        List<Model> cached = sdk.client().models().list().data();

        assertThat(cached).extracting(Model::id).isEqualTo(first.stream().map(Model::id).toList());
        assertThat(gateway.stub().received()).hasSize(1);

        await().atMost(TTL.plusSeconds(3)).pollInterval(Duration.ofMillis(100)).until(() -> {
            sdk.client().models().list();
            return gateway.stub().received().size() == 2;
        });
        List<StubGemini.Received> seen = gateway.stub().received();
        assertThat(Duration.ofNanos(seen.get(1).atNanos() - seen.get(0).atNanos()))
                .isGreaterThanOrEqualTo(TTL.minusMillis(100));
        assertThat(seen).allSatisfy(r -> assertThat(r.key()).isIn(POOL));
    }

    /** Lists models as soon as the cache an earlier test left has expired, so that Google answers this list. */
    private static List<Model> listFromGoogle() {
        List<List<Model>> out = new ArrayList<>();
        await().atMost(TTL.plusSeconds(3)).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<Model> models = sdk.client().models().list().data();
            if (gateway.stub().received().isEmpty()) {
                return false;
            }
            out.add(models);
            return true;
        });
        assertThat(gateway.stub().received()).hasSize(1);
        return out.get(0);
    }
}
