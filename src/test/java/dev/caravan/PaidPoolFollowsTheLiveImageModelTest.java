package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CREATE_IMAGE_MODEL saved on the admin page moves PAID_KEY with it: the model it names from then on goes with the
 * paid key, and the model it replaced (in no PAID_MODELS list) goes back to the pool.
 */
class PaidPoolFollowsTheLiveImageModelTest {

    private static final String PAID = "test-paid-keyForImages-2";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a")
            .set("caravan.paid-key", PAID)
            .set("caravan.paid-models", "")
            .set("caravan.create-image-model", "gemini-3.1-flash-image");

    @Test
    void theImageModelSavedOnTheAdminPageGoesWithThePaidKey() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("drawn")));
        assertThat(gateway.post("/v1beta/models/gemini-3.1-flash-image:generateContent", Gateway.prompt("a")).statusCode())
                .isEqualTo(200);
        assertThat(gateway.stub().keysSeen()).containsExactly(PAID);
        gateway.stub().reset();

        AdminClient admin = new AdminClient(gateway).login();
        var saved = admin.put("/admin/api/settings", AdminClient.body("values",
                Map.of("CREATE_IMAGE_MODEL", "gemini-2.5-flash-image")));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);

        gateway.post("/v1beta/models/gemini-2.5-flash-image:generateContent", Gateway.prompt("b"));
        gateway.post("/v1beta/models/gemini-3.1-flash-image:generateContent", Gateway.prompt("c"));
        assertThat(gateway.stub().keysSeen()).containsExactly(PAID, "pool-key-a");

        assertThat(admin.put("/admin/api/settings", AdminClient.body("reset", List.of("CREATE_IMAGE_MODEL")))
                .statusCode()).isEqualTo(200);
    }
}
