package dev.caravan.dialect.openai;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Checks an image URL from a chat message before the gateway fetches it: http(s) only, and never an address on
 * this machine or a private network (unless an operator allows it), so a client cannot make the gateway probe
 * what sits behind it. Sets the URL for the http endpoint that fetches it. Thread-safe.
 */
public final class ImageUrlGuard implements Processor {

    private final boolean allowPrivate;

    public ImageUrlGuard(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    @Override
    public void process(Exchange exchange) {
        Message msg = exchange.getMessage();
        String url = msg.getBody(String.class);
        URI uri;
        try {
            uri = URI.create(url);
        } catch (RuntimeException e) {
            throw new ImageFetchException("Invalid image URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new ImageFetchException("Image URLs must be http(s) or data: URLs");
        }
        if (!allowPrivate) {
            refusePrivate(uri.getHost());
        }
        msg.getHeaders().clear();
        msg.setHeader(Exchange.HTTP_URI, url);
        msg.setHeader(Exchange.HTTP_METHOD, "GET");
        msg.setBody(null);
    }

    static void refusePrivate(String host) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new ImageFetchException("Cannot resolve the image host " + host);
        }
        for (InetAddress a : addresses) {
            if (isPrivate(a)) {
                throw new ImageFetchException("Image URLs on private or local addresses are refused");
            }
        }
    }

    static boolean isPrivate(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            // unique local addresses fc00::/7
            return (b[0] & 0xfe) == 0xfc;
        }
        // carrier-grade NAT 100.64.0.0/10
        return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
    }
}
