package dev.caravan.imagefetch;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

/**
 * The addresses an image fetch must never connect to: everything that is not a plain, globally routed unicast
 * address, so that a client's image URL cannot make the gateway reach this machine, a private network, a cloud
 * metadata service or a translator (NAT64, 6to4, Teredo) that leads to one. One table, a row per range; the first
 * row that holds an address names why it is refused. Immutable; thread-safe.
 */
public final class ForbiddenAddresses {

    /** A CIDR block and the reason it is refused. */
    record Range(String reason, byte[] prefix, int bits) {

        boolean holds(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[whole] & mask) == (prefix[whole] & mask);
        }
    }

    /** IANA's special-purpose registries (RFC 6890 and later), every block that is not globally reachable unicast. */
    private static final List<Range> RANGES = List.of(
            // IPv4
            range("\"this network\", any-local (0.0.0.0/8)", "0.0.0.0", 8),
            range("private (10.0.0.0/8)", "10.0.0.0", 8),
            range("carrier-grade NAT (100.64.0.0/10)", "100.64.0.0", 10),
            range("loopback (127.0.0.0/8)", "127.0.0.0", 8),
            range("link-local, cloud metadata (169.254.0.0/16)", "169.254.0.0", 16),
            range("private (172.16.0.0/12)", "172.16.0.0", 12),
            range("IETF protocol assignments (192.0.0.0/24)", "192.0.0.0", 24),
            range("documentation TEST-NET-1 (192.0.2.0/24)", "192.0.2.0", 24),
            range("6to4 relay anycast (192.88.99.0/24)", "192.88.99.0", 24),
            range("private (192.168.0.0/16)", "192.168.0.0", 16),
            range("benchmarking (198.18.0.0/15)", "198.18.0.0", 15),
            range("documentation TEST-NET-2 (198.51.100.0/24)", "198.51.100.0", 24),
            range("documentation TEST-NET-3 (203.0.113.0/24)", "203.0.113.0", 24),
            range("multicast (224.0.0.0/4)", "224.0.0.0", 4),
            range("limited broadcast (255.255.255.255/32)", "255.255.255.255", 32),
            range("reserved (240.0.0.0/4)", "240.0.0.0", 4),
            // IPv6
            range("unspecified, any-local (::/128)", "::", 128),
            range("loopback (::1/128)", "::1", 128),
            range("IPv4-mapped (::ffff:0:0/96)", "::ffff:0:0", 96),
            range("IPv4-compatible (::/96)", "::", 96),
            range("NAT64 well-known prefix (64:ff9b::/96)", "64:ff9b::", 96),
            range("NAT64 local-use (64:ff9b:1::/48)", "64:ff9b:1::", 48),
            range("discard-only (100::/64)", "100::", 64),
            range("Teredo (2001::/32)", "2001::", 32),
            range("IETF protocol assignments (2001::/23)", "2001::", 23),
            range("documentation (2001:db8::/32)", "2001:db8::", 32),
            range("6to4 (2002::/16)", "2002::", 16),
            range("documentation (3fff::/20)", "3fff::", 20),
            range("unique-local (fc00::/7)", "fc00::", 7),
            range("link-local (fe80::/10)", "fe80::", 10),
            range("site-local (fec0::/10)", "fec0::", 10),
            range("multicast (ff00::/8)", "ff00::", 8));

    /** Google, CDNs and image hosts all live in global unicast; the rest of the IPv6 space is unassigned or special. */
    private static final Range GLOBAL_UNICAST_V6 = range("global unicast", "2000::", 3);

    private ForbiddenAddresses() {
    }

    /**
     * Why an image fetch must not connect to {@code address}, or null when it may.
     *
     * @param address a resolved address (no lookup is made)
     */
    public static String reason(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (Range r : RANGES) {
            if (r.holds(bytes)) {
                return r.reason();
            }
        }
        if (address instanceof Inet6Address && !GLOBAL_UNICAST_V6.holds(bytes)) {
            return "not global unicast (outside 2000::/3)";
        }
        return null;
    }

    /** The table, for its test. */
    static List<Range> ranges() {
        return RANGES;
    }

    private static Range range(String reason, String literal, int bits) {
        byte[] prefix = literalBytes(literal);
        if (bits > prefix.length * 8) {
            throw new IllegalArgumentException(literal + "/" + bits);
        }
        return new Range(reason, prefix, bits);
    }

    /**
     * The bytes of an address literal, kept in their family: {@code ::ffff:0:0} must stay 16 bytes, where
     * {@link InetAddress} would turn it into an IPv4 address.
     */
    private static byte[] literalBytes(String literal) {
        try {
            InetAddress a = InetAddress.getByName(literal);
            if (literal.contains(":") && a instanceof Inet4Address) {
                byte[] v6 = new byte[16];
                v6[10] = (byte) 0xff;
                v6[11] = (byte) 0xff;
                System.arraycopy(a.getAddress(), 0, v6, 12, 4);
                return v6;
            }
            return a.getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + literal, e);
        }
    }
}
