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
 * Issue 10, fault matrix: Google's connection is reset (TCP RST) halfway through a whole answer, after its head and
 * part of its body. Nothing of it reached the client yet, so it is a connection error like any other (DESIGN §3): a
 * strike, and the request moves to another key; when every attempt is reset the client gets 502; the gateway keeps
 * serving on fresh connections. (A stream reset after its first event: StreamErrorAfterFirstByteTest.)
 */
class RetriesNextKeyOnResetMidBodyTest {

    /** Google's traffic goes through the stub's relay, which can reset a connection mid-answer. */
    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b")
            .setFromStub("caravan.base-url", StubGemini::resettableBaseUrl);

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    /** A whole answer cut by a reset once its text has gone out, well before its usage and closing brace. */
    private static StubGemini.Reply resetMidBody(String text) {
        return new StubGemini.Reset(new StubGemini.Json(200, GoogleBodies.generateContent(text)), text);
    }

    @Test
    void strikesTheResetKeyAndAnswersFromTheOther() throws Exception {
        AtomicInteger n = new AtomicInteger();
        gateway.stub().answer(r -> n.getAndIncrement() == 0
                ? resetMidBody("half an answer")
                : new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));
        String prompt = Gateway.prompt("hello");

        HttpResponse<String> res = gateway.post(FLASH, prompt);

        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates();
        assertThat(res.statusCode()).isEqualTo(200);
        // only the whole answer of the second key: nothing of the reset one leaks into it
        assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("from " + keys.get(1)));
        assertThat(gateway.stub().received()).allSatisfy(r -> assertThat(r.bodyText()).isEqualTo(prompt));
        assertThat(gateway.key(keys.get(0)).strikes()).isEqualTo(1);
        assertThat(gateway.key(keys.get(1)).strikes()).isZero();
    }

    @Test
    void answers502InGooglesEnvelopeWhenEveryAnswerIsResetAndKeepsServing() throws Exception {
        gateway.stub().answer(r -> resetMidBody("half an answer"));

        HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hello"));

        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrder("key-a", "key-b");
        assertThat(res.statusCode()).isEqualTo(502);
        assertThat(res.body()).startsWith("{\"error\":{\"code\":502,\"message\":\"")
                .endsWith("\",\"status\":\"UNAVAILABLE\"}}")
                .doesNotContain("half an answer").doesNotContain("key-a").doesNotContain("key-b");
        assertThat(gateway.key("key-a").strikes()).isEqualTo(1);
        assertThat(gateway.key("key-b").strikes()).isEqualTo(1);

        gateway.stub().reset();
        HttpResponse<String> next = gateway.post(FLASH, Gateway.prompt("again"));

        // the reset connections were dropped from the pool, not reused
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).isEqualTo(GoogleBodies.generateContent("hello"));
        assertThat(gateway.stub().received()).hasSize(1);
    }
}
