package dev.caravan;

import static dev.caravan.support.GeneratedImageAnswers.IMAGE_ANSWER;
import static dev.caravan.support.GeneratedImageAnswers.postOpenAi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.Rows;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PAID_KEY (gemini-balance's name) serves image generation and the models in PAID_MODELS, wherever they are asked
 * for; a text request never uses it; and it never appears in an answer or a stored row.
 */
class UsesThePaidKeyForImagesOnlyTest {

    private static final String PAID = "test-paid-keyForImages-1";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a", "pool-key-b")
            .set("caravan.paid-key", PAID);

    @BeforeEach
    void googleAnswers() {
        gateway.stub().answer(r -> new StubGemini.Json(200, r.path().contains("image")
                ? IMAGE_ANSWER : GoogleBodies.generateContent("plain text")));
    }

    @Test
    void imageGenerationGoesWithThePaidKey() throws Exception {
        HttpResponse<String> res = postOpenAi(gateway, "/v1/images/generations", "{\"prompt\":\"a caravan\",\"n\":2}");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(gateway.stub().keysSeen()).containsExactly(PAID, PAID);
        assertThat(res.body()).doesNotContain(PAID);
    }

    @Test
    void aPaidModelGoesWithThePaidKeyOnGeminisOwnEndpointsToo() throws Exception {
        HttpResponse<String> res = gateway.post("/v1beta/models/gemini-3-pro-image:generateContent",
                Gateway.prompt("draw a caravan"));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(gateway.stub().keysSeen()).containsExactly(PAID);
    }

    @Test
    void textRequestsNeverUseThePaidKey() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertThat(postOpenAi(gateway, "/v1/chat/completions",
                    "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode())
                    .isEqualTo(200);
            assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi")).statusCode())
                    .isEqualTo(200);
        }

        assertThat(gateway.stub().keysSeen()).hasSize(8).containsOnly("pool-key-a", "pool-key-b");
    }

    @Test
    void thePaidKeyIsNeverStored() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(500, GoogleBodies.internal()));

        HttpResponse<String> res = postOpenAi(gateway, "/v1/images/generations", "{\"prompt\":\"a caravan\"}");

        assertThat(res.statusCode()).isGreaterThanOrEqualTo(500);
        assertThat(res.body()).doesNotContain(PAID);
        Rows.Db db = gateway::openDatabase;
        await().atMost(Duration.ofSeconds(10)).until(() -> Rows.count(db, "error_log") > 0);
        assertThat(Rows.everything(db)).doesNotContain(PAID);
        // one key, never struck out: the next image still goes with it
        gateway.stub().answer(r -> new StubGemini.Json(200, IMAGE_ANSWER));
        assertThat(postOpenAi(gateway, "/v1/images/generations", "{\"prompt\":\"again\"}").statusCode()).isEqualTo(200);
    }
}
