package dev.caravan.dialect.openai;

import java.net.URI;
import java.util.Locale;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Checks the form of an image URL from a chat message before the gateway fetches it: an absolute http(s) URL with
 * a host and no credentials. Which addresses the host may have is checked where the connection is made
 * ({@link dev.caravan.imagefetch.ImageAddressResolver}), so that the address checked is the address connected to.
 * Sets the URL for the http endpoint that fetches it, and nothing else of the client's request. Thread-safe.
 */
public final class ImageUrlGuard implements Processor {

    @Override
    public void process(Exchange exchange) {
        Message msg = exchange.getMessage();
        String url = msg.getBody(String.class);
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            throw new ImageFetchException("not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new ImageFetchException("not an absolute http(s) URL with a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new ImageFetchException("credentials in the URL");
        }
        msg.getHeaders().clear();
        msg.setHeader(Exchange.HTTP_URI, uri.toASCIIString());
        msg.setHeader(Exchange.HTTP_METHOD, "GET");
        msg.setBody(null);
    }
}
