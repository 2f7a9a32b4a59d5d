package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN §3, connection error: Google closing the connection without an answer is a strike and the request moves
 * to another key; when every attempt fails so the client gets 502 in Google's envelope.
 */
class RetriesNextKeyOnClosedConnectionTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @Test
    void strikesTheKeyAndAnswersFromTheOther() throws Exception {
        AtomicInteger n = new AtomicInteger();
        gateway.stub().answer(r -> n.getAndIncrement() == 0
                ? new StubGemini.Close()
                : new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));
        String prompt = Gateway.prompt("hello");

        HttpResponse<String> res = gateway.post(FLASH, prompt);

        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates();
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("from " + keys.get(1)));
        assertThat(gateway.stub().received()).allSatisfy(r -> assertThat(r.bodyText()).isEqualTo(prompt));
        assertThat(gateway.key(keys.get(0)).strikes()).isEqualTo(1);
        assertThat(gateway.key(keys.get(1)).strikes()).isZero();
    }

    @Test
    void answers502InGooglesEnvelopeWhenEveryConnectionCloses() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Close());

        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));

        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrder("key-a", "key-b");
        assertThat(res.statusCode()).isEqualTo(502);
        assertThat(res.body()).startsWith("{\"error\":{\"code\":502,\"message\":\"")
                .endsWith("\",\"status\":\"UNAVAILABLE\"}}");
        assertThat(gateway.key("key-a").strikes()).isEqualTo(1);
        assertThat(gateway.key("key-b").strikes()).isEqualTo(1);
    }

    @Test
    void keepsServingAfterBrokenConnections() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Close());
        gateway.post(FLASH, Gateway.prompt("broken"));
        gateway.stub().reset();

        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));

        // pooled connections that Google closed are not reused for the next request
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("hello"));
        assertThat(gateway.stub().received()).hasSize(1);
    }
}
