package dev.caravan.imagefetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * The image fetch's name lookup: one lookup per call, its answer checked as a whole and handed back unchanged (so the
 * connection goes to what was checked), a lookup that hangs given up at the time limit. The lookup is scripted; no
 * connection is made.
 */
class ImageAddressResolverTest {

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    private static ImageAddressResolver.Lookup scripted(Map<String, InetAddress[]> answers, AtomicInteger calls) {
        return host -> {
            calls.incrementAndGet();
            InetAddress[] a = answers.get(host);
            if (a == null) {
                throw new UnknownHostException(host);
            }
            return a;
        };
    }

    @Test
    void answersExactlyTheAddressesItCheckedAfterOneLookup() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        InetAddress[] answer = {ip("142.250.74.46"), ip("2a00:1450:4001:82b::200e")};
        try (ImageAddressResolver resolver = new ImageAddressResolver(
                scripted(Map.of("images.example", answer), calls), false, 5_000)) {

            assertThat(resolver.resolve("images.example")).containsExactly(answer);
            assertThat(calls).hasValue(1);
        }
    }

    @Test
    void refusesAHostWithAnyForbiddenAddress() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        InetAddress[] answer = {ip("142.250.74.46"), ip("10.1.2.3")};
        try (ImageAddressResolver resolver = new ImageAddressResolver(
                scripted(Map.of("rebind.example", answer), calls), false, 5_000)) {

            assertThatThrownBy(() -> resolver.resolve("rebind.example"))
                    .isInstanceOf(ImageAddressResolver.RefusedAddress.class)
                    .hasMessageContaining("10.1.2.3").hasMessageContaining("private (10.0.0.0/8)");
            assertThat(calls).hasValue(1);
        }
    }

    @Test
    void refusesAddressLiteralsToo() throws Exception {
        try (ImageAddressResolver resolver = new ImageAddressResolver(InetAddress::getAllByName, false, 5_000)) {
            for (String literal : new String[] {"127.0.0.1", "[::1]", "169.254.169.254", "2130706433", "[64:ff9b::a00:1]"}) {
                assertThatThrownBy(() -> resolver.resolve(literal)).as(literal)
                        .isInstanceOf(ImageAddressResolver.RefusedAddress.class);
            }
        }
    }

    @Test
    void letsPrivateAddressesThroughWhenTheOperatorAllowsThem() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (ImageAddressResolver resolver = new ImageAddressResolver(
                scripted(Map.of("nas.lan", new InetAddress[] {ip("192.168.1.20")}), calls), true, 5_000)) {

            assertThat(resolver.resolve("nas.lan")).containsExactly(ip("192.168.1.20"));
        }
    }

    @Test
    void aHostWithoutAddressesIsUnknown() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (ImageAddressResolver resolver = new ImageAddressResolver(
                scripted(Map.of("empty.example", new InetAddress[0]), calls), false, 5_000)) {

            assertThatThrownBy(() -> resolver.resolve("empty.example")).isInstanceOf(UnknownHostException.class);
            assertThatThrownBy(() -> resolver.resolve("missing.example")).isInstanceOf(UnknownHostException.class);
        }
    }

    @Test
    void aLookupThatHangsIsGivenUpAtTheTimeLimit() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        ImageAddressResolver.Lookup hanging = host -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new UnknownHostException(host);
        };
        try (ImageAddressResolver resolver = new ImageAddressResolver(hanging, false, 200)) {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                    assertThatThrownBy(() -> resolver.resolve("slow-dns.example"))
                            .isInstanceOf(UnknownHostException.class).hasMessageContaining("longer than 200 ms"));
        } finally {
            never.countDown();
        }
    }
}
