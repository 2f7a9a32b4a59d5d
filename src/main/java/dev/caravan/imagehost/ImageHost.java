package dev.caravan.imagehost;

import java.util.regex.Pattern;

import dev.caravan.dialect.GeneratedImages;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code image-host} route's steps around the host route UPLOAD_PROVIDER chose: as a filter, whether an image is
 * to be uploaded (a host is configured and no route of the operator's hosted it already); as a processor, it keeps
 * the image aside and names the host route ({@value #HOST}); {@link #hosted} checks the link the host route set;
 * {@link #failed} puts the image back as it was, so the client still gets it inline, and notes why
 * ({@value GeneratedImages#HOST_FAILURE}) for the request's error-log row. Thread-safe.
 */
public final class ImageHost implements Predicate, Processor {

    private static final Logger LOG = LoggerFactory.getLogger(ImageHost.class);
    /** The host route's name: the route consumes {@code direct:image-host-<name>}. */
    public static final String HOST = "CaravanImageHost";
    private static final String KEPT = "caravanImageHostKept";
    private static final Pattern ADDRESS = Pattern.compile("https?://[^\\s()<>\"'\\\\]{1,2048}");
    private static final Pattern URL_IN_TEXT = Pattern.compile("(?i)\\b[a-z][a-z0-9+.-]*://\\S+");

    private final String provider;

    /** @param provider the host route's name (UPLOAD_PROVIDER as a route name), or empty for none */
    public ImageHost(String provider) {
        this.provider = provider;
    }

    /** The image as the hook left it, kept while the host route replaces the message. */
    private record Kept(Object body, Object mime, Object index) {
    }

    @Override
    public void init(CamelContext context) {
        // nothing to prepare
    }

    /**
     * Whether the image goes to the host: one is configured, no route of the operator's hosted it already, and the
     * client did not ask for the bytes themselves (b64_json).
     */
    @Override
    public boolean matches(Exchange exchange) {
        Message m = exchange.getMessage();
        String url = m.getHeader(GeneratedImages.URL, String.class);
        return !provider.isEmpty() && (url == null || url.isEmpty()) && m.getBody() != null
                && !exchange.getProperty(GeneratedImages.KEEP_INLINE, false, Boolean.class);
    }

    /** Keeps the image aside and names the host route. */
    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        exchange.setProperty(KEPT, new Kept(m.getBody(), m.getHeader(GeneratedImages.MIME_TYPE),
                m.getHeader(GeneratedImages.INDEX)));
        m.setHeader(HOST, provider);
    }

    /** After the host route: its link, with the image's position back on the message; no link is a failure. */
    public void hosted(Exchange exchange) {
        Message m = exchange.getMessage();
        String url = m.getHeader(GeneratedImages.URL, String.class);
        if (url == null || !ADDRESS.matcher(url).matches()) {
            throw new ImageHostException("the host answered no http(s) link");
        }
        Kept kept = exchange.getProperty(KEPT, Kept.class);
        exchange.removeProperty(KEPT);
        m.setBody(null);
        m.setHeader(GeneratedImages.MIME_TYPE, kept.mime());
        m.setHeader(GeneratedImages.INDEX, kept.index());
        m.removeHeader(HOST);
    }

    /** The upload failed: the image goes back as it was (the client gets it inline), and why is noted and logged. */
    public void failed(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String why = "image host " + provider + " failed, the image was answered inline: " + describe(cause);
        LOG.warn("{}", why);
        Kept kept = exchange.getProperty(KEPT, Kept.class);
        exchange.removeProperty(KEPT);
        Message m = exchange.getMessage();
        m.removeHeaders("*");
        if (kept != null) {
            m.setBody(kept.body());
            m.setHeader(GeneratedImages.MIME_TYPE, kept.mime());
            m.setHeader(GeneratedImages.INDEX, kept.index());
        }
        m.setHeader(GeneratedImages.HOST_FAILURE, why);
    }

    /** What went wrong, without the host's answer or any URL (an upload URL may carry an auth code). */
    static String describe(Throwable e) {
        if (e == null) {
            return "unknown failure";
        }
        if (e instanceof HttpOperationFailedException http) {
            return "HTTP " + http.getStatusCode();
        }
        if (e instanceof ImageHostException) {
            return e.getMessage();
        }
        String message = e.getMessage() == null ? "" : URL_IN_TEXT.matcher(e.getMessage()).replaceAll("<url>");
        if (message.length() > 200) {
            message = message.substring(0, 200);
        }
        return e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }
}
