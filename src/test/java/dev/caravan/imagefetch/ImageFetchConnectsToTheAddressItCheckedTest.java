package dev.caravan.imagefetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.caravan.support.StubGemini;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HttpClient that camel-http fetches images with ({@link ImageFetchClient} as its configurer) looks the host up
 * once and connects to exactly that answer, keeping the host name in the URL and the Host header: a name server that
 * answers differently the next time (DNS rebinding) is never asked again. The stub listens on 127.0.0.1 only, and
 * the scripted lookup answers 127.0.0.1 first and 127.0.0.2, where nothing listens, afterwards.
 */
class ImageFetchConnectsToTheAddressItCheckedTest {

    private StubGemini stub;
    private int port;
    private final AtomicInteger lookups = new AtomicInteger();

    /** First 127.0.0.1 (the stub), then 127.0.0.2 (nothing): a second lookup would make the fetch fail. */
    private final ImageAddressResolver.Lookup rebinding = host -> {
        if (!host.equals("images.example")) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(lookups.getAndIncrement() == 0 ? "127.0.0.1" : "127.0.0.2")};
    };

    @BeforeEach
    void startStub() throws Exception {
        stub = new StubGemini();
        port = URI.create(stub.baseUrl()).getPort();
        stub.answer(r -> new StubGemini.Sse("image/png", List.of("png-bytes"), Duration.ZERO, false));
    }

    @AfterEach
    void stopStub() {
        stub.close();
    }

    private static CloseableHttpClient clientWith(ImageFetchClient images) {
        HttpClientBuilder builder = HttpClientBuilder.create();
        images.configureHttpClient(builder);
        return builder.build();
    }

    @Test
    void connectsToTheCheckedAnswerWithTheHostNameKept() throws Exception {
        try (ImageFetchClient images = new ImageFetchClient(rebinding, true, 5_000, 1024);
             CloseableHttpClient http = clientWith(images)) {

            String body = http.execute(new HttpGet("http://images.example:" + port + "/cat.png"),
                    res -> EntityUtils.toString(res.getEntity(), StandardCharsets.UTF_8));

            assertThat(body).isEqualTo("png-bytes");
        }
        assertThat(lookups).hasValue(1);
        assertThat(stub.received()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/cat.png");
            assertThat(r.header("host")).isEqualTo("images.example:" + port);
        });
    }

    @Test
    void refusesTheAnswerBeforeConnectingWhenPrivateAddressesAreNotAllowed() throws Exception {
        try (ImageFetchClient images = new ImageFetchClient(rebinding, false, 5_000, 1024);
             CloseableHttpClient http = clientWith(images)) {

            assertThatThrownBy(() -> http.execute(new HttpGet("http://images.example:" + port + "/cat.png"),
                    res -> EntityUtils.toString(res.getEntity())))
                    .isInstanceOf(ImageAddressResolver.RefusedAddress.class)
                    .hasMessageContaining("loopback");
        }
        assertThat(lookups).hasValue(1);
        assertThat(stub.received()).isEmpty();
    }
}
