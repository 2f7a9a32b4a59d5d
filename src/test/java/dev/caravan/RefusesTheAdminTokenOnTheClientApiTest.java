package dev.caravan;

import static dev.caravan.support.GoogleEnvelope.assertGoogleError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, finding 5: the admin token opens the admin page, not the API. It used to be accepted as a client token,
 * which spread the one credential that manages keys into every client's configuration and let the client API serve
 * as a second door for guessing it. An operator who wants it there lists it in ALLOWED_TOKENS.
 */
class RefusesTheAdminTokenOnTheClientApiTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a");

    @Test
    void refusesTheAdminTokenAsAClientTokenAndStillTakesItOnTheAdminApi() throws Exception {
        HttpResponse<String> api = gateway.send(HttpRequest.newBuilder(URI.create(
                gateway.url("/v1beta/models/gemini-2.5-flash:generateContent")))
                .header("x-goog-api-key", Gateway.ADMIN_TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("hi"))));

        assertGoogleError(api, 401, "UNAUTHENTICATED");
        assertThat(gateway.stub().received()).isEmpty();
        assertThat(new AdminClient(gateway).bearer("GET", "/admin/api/keys", null, Gateway.ADMIN_TOKEN).statusCode())
                .isEqualTo(200);
    }
}
