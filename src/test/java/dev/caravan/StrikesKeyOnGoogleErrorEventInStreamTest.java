package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Google sometimes ends a 200 stream with an error event. The Gemini surface passes it on unchanged (the client
 * reads Google's own words), and the key gets a strike as for a broken stream; text that merely mentions an
 * error does not.
 */
class StrikesKeyOnGoogleErrorEventInStreamTest {

    private static final String ERROR_EVENT =
            "data: {\"error\": {\"code\": 500, \"message\": \"An internal error has occurred.\", \"status\": \"INTERNAL\"}}\r\n\r\n";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("event-key-a");

    @Test
    void passesGooglesErrorEventOnAndStrikesTheKey() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream",
                List.of(GoogleBodies.sseEvent("partial"), ERROR_EVENT), Duration.ofMillis(20), false));

        HttpResponse<String> res = gateway.post(
                "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", Gateway.prompt("x"));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.sseEvent("partial") + ERROR_EVENT);
        assertThat(gateway.stub().received()).hasSize(1);
        // the verdict follows the last byte the client reads
        await().untilAsserted(() -> assertThat(gateway.key("event-key-a").strikes()).isEqualTo(1));
    }

    /** How many attempts the pool judged a success so far, from the Prometheus text. */
    private static double successfulAttempts() throws Exception {
        String metrics = gateway.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(gateway.managementUrl("/observe/metrics"))).GET()).body();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("caravan_upstream_attempts_total\\{outcome=\"success\"\\} ([0-9.]+)").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void leavesTheKeyAloneWhenTheTextOnlyTalksAboutErrors() throws Exception {
        double before = successfulAttempts();
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream",
                List.of(GoogleBodies.sseEvent("data: {\\\"error\\\": 1} is how an error looks")), Duration.ZERO, false));

        HttpResponse<String> res = gateway.post(
                "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", Gateway.prompt("x"));

        assertThat(res.statusCode()).isEqualTo(200);
        // the attempt is judged once the stream is over: wait for its verdict, then look at the key
        await().untilAsserted(() -> assertThat(successfulAttempts()).isEqualTo(before + 1));
        assertThat(gateway.key("event-key-a").strikes()).isZero();
    }

    @Test
    void strikesTheKeyWhenTheStreamedArrayEndsWithAnErrorElement() throws Exception {
        String first = "[{\n  \"candidates\": [{\"content\": {\"parts\": [{\"text\": \"partial\"}], \"role\": \"model\"}}]\n}";
        String error = ",\r\n{\n  \"error\": {\n    \"code\": 500,\n    \"message\": \"Internal\",\n    \"status\": \"INTERNAL\"\n  }\n}\n]";
        gateway.stub().answer(r -> new StubGemini.Sse("application/json; charset=UTF-8",
                List.of(first, error), Duration.ofMillis(20), false));

        HttpResponse<String> res = gateway.post(
                "/v1beta/models/gemini-2.5-flash:streamGenerateContent", Gateway.prompt("x"));

        assertThat(res.body()).isEqualTo(first + error);
        // the verdict follows the last byte the client reads
        await().untilAsserted(() -> assertThat(gateway.key("event-key-a").strikes()).isEqualTo(1));
    }
}
