package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** URL_NORMALIZATION_ENABLED is off by default, as in gemini-balance: a messy path is a 404 and reaches no key. */
class KeepsUnknownPathsAt404ByDefaultTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("default-key-a");

    @Test
    void aMessyPathIsA404WithoutTheSetting() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("never")));

        HttpResponse<String> native_ = gateway.post("/v1/models/gemini-2.5-flash/generateContent", Gateway.prompt("hi"));
        HttpResponse<String> chat = gateway.post("/chat/completions",
                "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(gateway.caravan().configuration().settings().urlNormalizationEnabled()).isFalse();
        assertThat(native_.statusCode()).isEqualTo(404);
        assertThat(native_.body()).contains("No such endpoint: /v1/models/gemini-2.5-flash/generateContent");
        assertThat(chat.statusCode()).isEqualTo(404);
        assertThat(gateway.stub().received()).isEmpty();
    }
}
