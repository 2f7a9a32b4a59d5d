package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProxiesGenerateContentTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a", "pool-key-b");

    @Test
    void forwardsBodyVerbatimWithPoolKeyAndReturnsGoogleAnswerUnchanged() throws Exception {
        String body = "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}],  \"generationConfig\":{\"temperature\":0.3}}";
        String answer = GoogleBodies.generateContent("hello there");
        gateway.stub().answer(r -> new StubGemini.Json(200, answer));

        HttpResponse<String> res = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", body);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(answer);
        StubGemini.Received got = gateway.stub().received().get(0);
        assertThat(got.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(got.bodyText()).isEqualTo(body);
        assertThat(got.key()).isIn("pool-key-a", "pool-key-b");
    }
}
