package dev.caravan.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Clients are counted by address (guess throttles, sampled log rows): an IPv4 address as itself, an IPv6 address by
 * its /64, so that one subscriber rotating through its own block counts as one; an IPv4-mapped address as IPv4.
 */
class ClientAddressCountsIpv6ByItsSlash64Test {

    @Test
    void countsEveryAddressOfAnIpv6Slash64AsOne() {
        assertThat(ClientAddress.of("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientAddress.of("2001:db8:1:2::1")).isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientAddress.of("2001:db8:1:3::1")).isEqualTo("2001:db8:1:3::/64");
    }

    @Test
    void countsIpv4AndIpv4MappedAddressesByTheAddress() {
        assertThat(ClientAddress.of("203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(ClientAddress.of("::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(ClientAddress.of((String) null)).isEqualTo(ClientAddress.UNKNOWN);
    }
}
