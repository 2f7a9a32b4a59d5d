package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Properties;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROXIES (gemini-balance's name): calls to Google go through the configured HTTP proxy. Google itself is given
 * as a name that does not resolve, so only a call through the proxy can succeed; the stub plays the proxy and
 * records the request it was asked to forward.
 */
class GoesThroughProxiesToGoogleTest {

    // started before the gateway (static fields initialise in order), so its address can be configured
    private static final StubGemini PROXY = startProxy();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("proxied-key")
            .set("caravan.base-url", "http://gemini.upstream.invalid/v1beta")
            .set("caravan.proxies", "[\"http://" + URI.create(PROXY.baseUrl()).getAuthority() + "\"]");

    private static StubGemini startProxy() {
        try {
            return new StubGemini();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopProxy() {
        PROXY.close();
    }

    @Test
    void sendsTheCallToGoogleThroughTheProxyWithThePoolKey() throws Exception {
        PROXY.answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("via proxy")));

        var res = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi"));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("via proxy");
        StubGemini.Received forwarded = PROXY.received().get(0);
        assertThat(forwarded.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(forwarded.header("host")).startsWith("gemini.upstream.invalid");
        assertThat(forwarded.key()).isEqualTo("proxied-key");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void refusesToStartWithAProxyItCannotUseAndDoesNotEchoItsCredentials() throws Exception {
        Properties p = new Properties();
        p.setProperty("caravan.port", String.valueOf(Gateway.freePort()));
        p.setProperty("caravan.auth-token", Gateway.ADMIN_TOKEN);
        p.setProperty("caravan.proxies", "ftp://user:s3cret@proxy.example:21");
        p.setProperty("caravan.sqlite-database",
                java.nio.file.Files.createTempDirectory("caravan-proxy-test").resolve("caravan.db").toString());

        assertThatThrownBy(() -> new Caravan(p).start())
                .hasMessageContaining("PROXIES")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
    }
}
