package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyState;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DESIGN §3, 400/404 without a key reason: the client's own mistake, passed on unchanged, not retried, key untouched. */
class PassesClientErrorsThroughTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b", "key-c").set("caravan.max-failures", "1");

    private static void assertUntouched(String key) {
        ApiKey k = gateway.key(key);
        assertThat(k.state()).isEqualTo(KeyState.ACTIVE);
        assertThat(k.strikes()).isZero();
        assertThat(k.cooldowns()).isEmpty();
        assertThat(k.evidence()).isNull();
    }

    @Test
    void passes400ToTheClientUnchangedWithoutRetry() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(400, GoogleBodies.badRequest()));
        String body = "{\"contents\":[]}";

        HttpResponse<String> res = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", body);

        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.body()).isEqualTo(GoogleBodies.badRequest());
        assertThat(res.headers().firstValue("content-type")).hasValue("application/json; charset=UTF-8");
        assertThat(res.headers().firstValue("retry-after")).isEmpty();
        assertThat(gateway.stub().received()).hasSize(1);
        assertThat(gateway.stub().received().get(0).bodyText()).isEqualTo(body);
        assertUntouched(gateway.stub().keysSeen().get(0));
    }

    @Test
    void passes404ToTheClientUnchangedWithoutRetry() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(404, GoogleBodies.notFound()));

        HttpResponse<String> res = gateway.post("/v1beta/models/gemini-0.0-nope:generateContent", Gateway.prompt("hi"));

        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(res.body()).isEqualTo(GoogleBodies.notFound());
        assertThat(gateway.stub().received()).hasSize(1);
        assertThat(gateway.stub().received().get(0).path()).isEqualTo("/v1beta/models/gemini-0.0-nope:generateContent");
        assertUntouched(gateway.stub().keysSeen().get(0));
    }

    @Test
    void passes404OfAModelLookupUnchanged() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(404, GoogleBodies.notFound()));

        HttpResponse<String> res = gateway.get("/v1beta/models/gemini-0.0-nope");

        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(res.body()).isEqualTo(GoogleBodies.notFound());
        assertThat(gateway.stub().received()).hasSize(1);
        assertThat(gateway.stub().received().get(0).method()).isEqualTo("GET");
        assertUntouched(gateway.stub().keysSeen().get(0));
    }

    @Test
    void leavesEveryKeyInRotationAfterManyClientErrors() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(400, GoogleBodies.badRequest()));

        for (int i = 0; i < 6; i++) {
            assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", "{\"contents\":[]}").statusCode())
                    .isEqualTo(400);
        }

        // one upstream call per request, spread over the pool; with MAX_FAILURES 1 a strike would show at once
        assertThat(gateway.stub().received()).hasSize(6);
        assertThat(gateway.stub().keysSeen()).contains("key-a", "key-b", "key-c");
        assertUntouched("key-a");
        assertUntouched("key-b");
        assertUntouched("key-c");
    }
}
