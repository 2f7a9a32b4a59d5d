package dev.caravan.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * The address a client is counted by (guess throttles, the sampling of unauthenticated requests): the TCP peer's,
 * never X-Forwarded-For, which anybody can send. An IPv6 client is counted by its /64, the smallest block a single
 * subscriber gets, so that rotating through its own addresses is no way around a limit; an IPv4-mapped IPv6
 * address counts as the IPv4 address. Stateless.
 */
public final class ClientAddress {

    /** The address of a request that came over no socket (never on the wire). */
    public static final String UNKNOWN = "unknown";

    private ClientAddress() {
    }

    public static String of(HttpServerRequest request) {
        SocketAddress peer = request == null ? null : request.remoteAddress();
        return peer == null ? UNKNOWN : of(peer.hostAddress());
    }

    /** The counting address of a literal IP address (as Vert.x gives it); anything else is returned as is. */
    static String of(String host) {
        if (host == null || host.isEmpty()) {
            return UNKNOWN;
        }
        if (host.indexOf(':') < 0) {
            return host;
        }
        byte[] ip;
        try {
            // a literal address (it has a colon): Java parses it and never looks a name up
            ip = InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host).getAddress();
        } catch (UnknownHostException | RuntimeException notAnAddress) {
            return host;
        }
        if (ip.length == 4) {
            // Java turns an IPv4-mapped address (::ffff:a.b.c.d) into the IPv4 address
            return dotted(ip);
        }
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            prefix.append(Integer.toHexString(((ip[i] & 0xff) << 8) | (ip[i + 1] & 0xff))).append(':');
        }
        return prefix.append(":/64").toString();
    }

    private static String dotted(byte[] ip) {
        return (ip[0] & 0xff) + "." + (ip[1] & 0xff) + "." + (ip[2] & 0xff) + "." + (ip[3] & 0xff);
    }
}
