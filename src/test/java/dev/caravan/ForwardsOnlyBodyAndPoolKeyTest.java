package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.RawHttp;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DESIGN §3, row 2xx: the body goes upstream byte for byte with only the pool key, and Google's answer comes back unchanged. */
class ForwardsOnlyBodyAndPoolKeyTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a", "pool-key-b");

    /** Headers Google needs: the HTTP/1.1 framing, the content type and the pool key. */
    private static final Set<String> UPSTREAM_HEADERS = Set.of("host", "content-type", "content-length", "x-goog-api-key");

    @Test
    void sendsBodyByteForByteWithPoolKeyOnlyInHeaderAndNoInboundHeaders() throws Exception {
        // odd spacing, a unicode escape, non-ASCII text and a trailing newline: any re-serialisation would show
        String body = "{\"contents\":[{\"parts\":[{\"text\":\"h\\u00e9llo — 日本\"}]}],  \"generationConfig\":{\"temperature\":0.30}}\n";
        String answer = GoogleBodies.generateContent("hello there");
        gateway.stub().answer(r -> new StubGemini.Json(200, answer));

        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1beta/models/gemini-2.5-flash:generateContent")))
                .header("x-goog-api-key", Gateway.TOKEN)
                .header("content-type", "application/json")
                .header("x-custom", "custom-value")
                .header("cookie", "session=secret-session")
                .header("authorization", "Basic dXNlcjpwYXNz")
                .header("x-forwarded-for", "203.0.113.7")
                .header("user-agent", "caravan-test/1.0")
                .header("accept-language", "fr")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(answer);
        assertThat(res.headers().firstValue("content-type")).hasValue("application/json; charset=UTF-8");

        assertThat(gateway.stub().received()).hasSize(1);
        StubGemini.Received got = gateway.stub().received().get(0);
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(got.query()).isNull();
        assertThat(got.body()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
        assertThat(got.key()).isIn("pool-key-a", "pool-key-b");
        assertThat(got.headers().get("x-goog-api-key")).hasSize(1);
        assertThat(got.headers().keySet()).isSubsetOf(UPSTREAM_HEADERS);
        assertThat(got.headers().values().stream().flatMap(v -> v.stream()).toList())
                .noneMatch(v -> v.contains(Gateway.TOKEN))
                .noneMatch(v -> v.contains("secret-session"))
                .noneMatch(v -> v.contains("custom-value"))
                .noneMatch(v -> v.contains("dXNlcjpwYXNz"))
                .noneMatch(v -> v.contains("203.0.113.7"))
                .noneMatch(v -> v.contains("caravan-test"));
    }

    @Test
    void sendsABodyThatArrivesInPiecesByteForByte() throws Exception {
        // the pieces split a three-byte character: the body must be gathered as bytes, in order, whatever the reads
        byte[] body = "{\"contents\":[{\"parts\":[{\"text\":\"piece — 日本 — end\"}]}]}".getBytes(StandardCharsets.UTF_8);
        int cut = new String(body, StandardCharsets.ISO_8859_1).indexOf('\u00e6') + 1;
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("ok")));

        try (RawHttp c = RawHttp.connect(gateway.caravan().port(), 10_000)) {
            c.send("POST /v1beta/models/gemini-2.5-flash:generateContent HTTP/1.1\r\nHost: 127.0.0.1\r\nx-goog-api-key: "
                    + Gateway.TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n");
            c.send(Arrays.copyOfRange(body, 0, 5));
            c.send(Arrays.copyOfRange(body, 5, cut));
            c.send(Arrays.copyOfRange(body, cut, body.length));

            assertThat(c.read().status()).isEqualTo(200);
        }
        assertThat(gateway.stub().received()).hasSize(1);
        assertThat(gateway.stub().received().get(0).body()).isEqualTo(body);
    }

    @Test
    void answersWithoutInternalOrEchoedHeaders() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("ok")));

        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1beta/models/gemini-2.5-flash:generateContent")))
                .header("x-goog-api-key", Gateway.TOKEN)
                .header("content-type", "application/json")
                .header("x-custom", "custom-value")
                .header("cookie", "session=secret-session")
                .header("authorization", "Basic dXNlcjpwYXNz")
                .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("hi"))));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("ok"));
        Set<String> names = res.headers().map().keySet().stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        assertThat(names)
                .doesNotContain("x-goog-api-key", "x-custom", "cookie", "set-cookie", "authorization", "op", "key")
                .noneMatch(n -> n.startsWith("camel"))
                .noneMatch(n -> n.startsWith("caravan"));
        assertThat(res.headers().map().values().stream().flatMap(v -> v.stream()).toList())
                .noneMatch(v -> v.contains("pool-key-"))
                .noneMatch(v -> v.contains(Gateway.TOKEN))
                .noneMatch(v -> v.contains("custom-value"));
        assertThat(gateway.stub().received()).hasSize(1);
        assertThat(gateway.stub().received().get(0).key()).isIn("pool-key-a", "pool-key-b");
    }

    @Test
    void keepsPoolKeyOutOfUrlQueryEvenWhenClientSentKeyParameter() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("ok")));

        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(
                        URI.create(gateway.url("/v1beta/models/gemini-2.5-flash:generateContent?key=" + Gateway.TOKEN)))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("hi"))));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(GoogleBodies.generateContent("ok"));
        StubGemini.Received got = gateway.stub().received().get(0);
        assertThat(got.query()).isNull();
        assertThat(got.path()).doesNotContain("key").doesNotContain(Gateway.TOKEN);
        assertThat(got.key()).isIn("pool-key-a", "pool-key-b");
    }

    @Test
    void recordsSuccessOnTheKeyThatAnswered() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("ok")));

        HttpResponse<String> res = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi"));

        assertThat(res.statusCode()).isEqualTo(200);
        String used = gateway.stub().keysSeen().get(0);
        assertThat(gateway.key(used).strikes()).isZero();
        assertThat(gateway.key(used).cooldowns()).isEmpty();
        assertThat(gateway.key(used).state()).isEqualTo(dev.caravan.keys.KeyState.ACTIVE);
    }
}
