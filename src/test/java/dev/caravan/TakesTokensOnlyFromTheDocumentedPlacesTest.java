package dev.caravan;

import static dev.caravan.support.GoogleEnvelope.assertGoogleError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import dev.caravan.support.Gateway;
import dev.caravan.support.OpenAiEnvelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, finding 6: a client token is taken only from the places the README documents (the x-goog-api-key
 * header, an Authorization: Bearer header, the key parameter of the query string), read from the HTTP request
 * itself. platform-http copies query parameters and form fields into message headers, so a right token sent as
 * ?Authorization=, ?x-goog-api-key=, a form field named key or a header named key used to be accepted; now each
 * gets 401 and Google sees nothing.
 */
class TakesTokensOnlyFromTheDocumentedPlacesTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String CHAT = "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static HttpRequest.Builder json(String pathAndQuery, String body) {
        return HttpRequest.newBuilder(URI.create(gateway.url(pathAndQuery))).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static String encoded(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void refusesARightTokenInAQueryParameterNamedLikeAHeader() throws Exception {
        HttpResponse<String> authorization = gateway.send(json(FLASH + "?Authorization=" + encoded("Bearer " + Gateway.TOKEN),
                Gateway.prompt("hi")));
        HttpResponse<String> goog = gateway.send(json(FLASH + "?x-goog-api-key=" + Gateway.TOKEN, Gateway.prompt("hi")));
        HttpResponse<String> openAi = gateway.send(json("/v1/chat/completions?Authorization="
                + encoded("Bearer " + Gateway.TOKEN), CHAT));

        assertGoogleError(authorization, 401, "UNAUTHENTICATED");
        assertGoogleError(goog, 401, "UNAUTHENTICATED");
        OpenAiEnvelope.assertOpenAiError(openAi, 401, "authentication_error");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void refusesARightTokenInAFormFieldOrAHeaderNamedKey() throws Exception {
        HttpResponse<String> form = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url(FLASH)))
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("key=" + Gateway.TOKEN)));
        HttpResponse<String> header = gateway.send(json(FLASH, Gateway.prompt("hi")).header("key", Gateway.TOKEN));

        assertGoogleError(form, 401, "UNAUTHENTICATED");
        assertGoogleError(header, 401, "UNAUTHENTICATED");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void acceptsTheThreeDocumentedPlaces() throws Exception {
        HttpResponse<String> goog = gateway.send(json(FLASH, Gateway.prompt("a")).header("x-goog-api-key", Gateway.TOKEN));
        HttpResponse<String> bearer = gateway.send(json(FLASH, Gateway.prompt("b")).header("Authorization", "Bearer " + Gateway.TOKEN));
        HttpResponse<String> query = gateway.send(json(FLASH + "?key=" + encoded(Gateway.TOKEN), Gateway.prompt("c")));
        HttpResponse<String> alias = gateway.send(json("/gemini" + FLASH + "?key=" + Gateway.TOKEN, Gateway.prompt("d")));

        assertThat(goog.statusCode()).isEqualTo(200);
        assertThat(bearer.statusCode()).isEqualTo(200);
        assertThat(query.statusCode()).isEqualTo(200);
        assertThat(alias.statusCode()).isEqualTo(200);
        assertThat(gateway.stub().received()).hasSize(4).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo("pool-key-a");
            assertThat(r.query()).isNull();
        });
    }
}
