package dev.caravan;

import static dev.caravan.support.GeneratedImageAnswers.postOpenAi;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import dev.caravan.keys.KeyState;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Without PAID_KEY image generation uses the pool like any other call. Google's billing error (an image model
 * whose free-tier quota is 0, or a paid-only feature refused) reaches the client in words it can act on, and no
 * pool key is struck for it.
 */
class ImagesWithoutAPaidKeyTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a");

    @Test
    void billingRefusalReachesTheClientAndStrikesNoKey() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(400, """
                {"error": {"code": 400, "status": "FAILED_PRECONDITION",
                  "message": "Image generation is only available to billed users. Please enable billing."}}"""));

        HttpResponse<String> res = postOpenAi(gateway, "/v1/images/generations", "{\"prompt\":\"a caravan\"}");

        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.body()).contains("only available to billed users");
        assertThat(gateway.stub().keysSeen()).containsExactly("pool-key-a");
        assertThat(gateway.key("pool-key-a").state()).isEqualTo(KeyState.ACTIVE);
        assertThat(gateway.key("pool-key-a").strikes()).isZero();
    }

    @Test
    void zeroFreeQuotaReachesTheClientAndStrikesNoKey() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(429, GoogleBodies.quotaLimitZero()));

        HttpResponse<String> res = postOpenAi(gateway, "/v1/images/generations", "{\"prompt\":\"a caravan\"}");

        assertThat(res.statusCode()).isEqualTo(429);
        assertThat(res.body()).contains("check your plan and billing details");
        assertThat(gateway.key("pool-key-a").state()).isEqualTo(KeyState.ACTIVE);
        assertThat(gateway.key("pool-key-a").strikes()).isZero();
    }
}
