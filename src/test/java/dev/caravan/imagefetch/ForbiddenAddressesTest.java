package dev.caravan.imagefetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The address table of image fetches, a row per range: the first and the last address of each forbidden block are
 * refused with its reason, and the addresses just outside it are not. Only literals are parsed: no lookup, no
 * connection.
 */
class ForbiddenAddressesTest {

    static Stream<Arguments> forbidden() {
        return Stream.of(
                arguments("0.0.0.0", "any-local"),
                arguments("0.255.255.255", "this network"),
                arguments("10.0.0.0", "private (10.0.0.0/8)"),
                arguments("10.255.255.255", "private (10.0.0.0/8)"),
                arguments("100.64.0.0", "carrier-grade NAT"),
                arguments("100.127.255.255", "carrier-grade NAT"),
                arguments("127.0.0.1", "loopback (127.0.0.0/8)"),
                arguments("127.255.255.255", "loopback (127.0.0.0/8)"),
                arguments("169.254.169.254", "link-local, cloud metadata"),
                arguments("172.16.0.0", "private (172.16.0.0/12)"),
                arguments("172.31.255.255", "private (172.16.0.0/12)"),
                arguments("192.0.0.0", "IETF protocol assignments (192.0.0.0/24)"),
                arguments("192.0.0.170", "IETF protocol assignments (192.0.0.0/24)"),
                arguments("192.0.2.1", "TEST-NET-1"),
                arguments("192.88.99.1", "6to4 relay anycast"),
                arguments("192.168.0.1", "private (192.168.0.0/16)"),
                arguments("198.18.0.0", "benchmarking"),
                arguments("198.19.255.255", "benchmarking"),
                arguments("198.51.100.7", "TEST-NET-2"),
                arguments("203.0.113.7", "TEST-NET-3"),
                arguments("224.0.0.1", "multicast (224.0.0.0/4)"),
                arguments("239.255.255.255", "multicast (224.0.0.0/4)"),
                arguments("240.0.0.1", "reserved (240.0.0.0/4)"),
                arguments("255.255.255.254", "reserved (240.0.0.0/4)"),
                arguments("255.255.255.255", "limited broadcast"),
                arguments("::", "unspecified, any-local"),
                arguments("::1", "loopback (::1/128)"),
                // Java reads an IPv4-mapped literal as the IPv4 address it holds
                arguments("::ffff:127.0.0.1", "loopback (127.0.0.0/8)"),
                arguments("::ffff:10.1.2.3", "private (10.0.0.0/8)"),
                arguments("::127.0.0.1", "IPv4-compatible"),
                arguments("::8.8.8.8", "IPv4-compatible"),
                arguments("64:ff9b::7f00:1", "NAT64 well-known prefix"),
                arguments("64:ff9b::808:808", "NAT64 well-known prefix"),
                arguments("64:ff9b:1::a00:1", "NAT64 local-use"),
                arguments("64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "NAT64 local-use"),
                arguments("100::1", "discard-only"),
                arguments("2001::1", "Teredo"),
                arguments("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
                arguments("2001:2::1", "IETF protocol assignments (2001::/23)"),
                arguments("2001:1ff:ffff::1", "IETF protocol assignments (2001::/23)"),
                arguments("2001:db8::1", "documentation (2001:db8::/32)"),
                arguments("2002:7f00:1::1", "6to4"),
                arguments("2002:ffff:ffff::1", "6to4"),
                arguments("3fff::1", "documentation (3fff::/20)"),
                arguments("3fff:fff:ffff::1", "documentation (3fff::/20)"),
                arguments("fc00::1", "unique-local"),
                arguments("fdff:ffff::1", "unique-local"),
                arguments("fe80::1", "link-local (fe80::/10)"),
                arguments("febf:ffff::1", "link-local (fe80::/10)"),
                arguments("fec0::1", "site-local"),
                arguments("feff:ffff::1", "site-local"),
                arguments("ff02::1", "multicast (ff00::/8)"),
                arguments("ff0e::1", "multicast (ff00::/8)"),
                arguments("4000::1", "not global unicast"),
                arguments("1::1", "not global unicast"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("forbidden")
    void refusesWithTheReasonOfItsRange(String literal, String reason) throws Exception {
        String refused = ForbiddenAddresses.reason(InetAddress.getByName(literal));

        assertThat(refused).as(literal).isNotNull().contains(reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allowed")
    void allowsGloballyRoutedUnicast(String literal) throws Exception {
        assertThat(ForbiddenAddresses.reason(InetAddress.getByName(literal))).as(literal).isNull();
    }

    static List<String> allowed() {
        return List.of("8.8.8.8", "142.250.74.46", "1.1.1.1", "9.255.255.255", "11.0.0.0", "100.63.255.255",
                "100.128.0.0", "126.255.255.255", "128.0.0.0", "169.253.255.255", "169.255.0.0", "172.15.255.255",
                "172.32.0.0", "192.0.1.0", "192.0.3.0", "192.88.98.255", "192.167.255.255", "192.169.0.0",
                "198.17.255.255", "198.20.0.0", "198.51.99.255", "203.0.112.255", "223.255.255.255",
                "2001:200::1", "2001:4860:4860::8888", "2001:db7:ffff::1", "2001:db9::1", "2003::1",
                "2a00:1450:4001:82b::200e", "3ffe::1", "3fff:1000::1");
    }

    @Test
    void refusesAnIpv4MappedAddressKeptInItsIpv6Form() throws Exception {
        assertThat(ForbiddenAddresses.reason(mappedInIpv6Form())).contains("IPv4-mapped");
    }

    @Test
    void everyRowOfTheTableHasARowHere() throws Exception {
        Set<String> reached = new HashSet<>();
        for (Arguments row : forbidden().toList()) {
            reached.add(ForbiddenAddresses.reason(InetAddress.getByName((String) row.get()[0])));
        }
        reached.add(ForbiddenAddresses.reason(mappedInIpv6Form()));
        Set<String> rows = new HashSet<>();
        ForbiddenAddresses.ranges().forEach(r -> rows.add(r.reason()));
        rows.add("not global unicast (outside 2000::/3)");

        assertThat(reached).containsExactlyInAnyOrderElementsOf(rows);
    }

    /** ::ffff:8.8.8.8 as an Inet6Address, as a resolver may hand it over (Java's parser would make it IPv4). */
    private static InetAddress mappedInIpv6Form() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 8;
        mapped[13] = 8;
        mapped[14] = 8;
        mapped[15] = 8;
        return Inet6Address.getByAddress(null, mapped, -1);
    }
}
