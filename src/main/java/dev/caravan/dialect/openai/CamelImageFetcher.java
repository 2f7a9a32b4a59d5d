package dev.caravan.dialect.openai;

import java.net.URI;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches image URLs through the {@code openai-fetch-image} route (camel-http, the control-plane client), so an
 * operator can change how images are fetched in YAML. Whatever went wrong, the client learns only that the image
 * could not be fetched: a refused address, a closed port, a timeout and a 404 look the same from outside, so the
 * gateway cannot be used to map what answers where. The reason goes to the debug log. Thread-safe: ProducerTemplate
 * is.
 */
public final class CamelImageFetcher implements ImageFetcher {

    private static final Logger LOG = LoggerFactory.getLogger(CamelImageFetcher.class);

    private final ProducerTemplate template;
    private final String endpoint;
    private final int maxPerRequest;

    /** @param maxPerRequest the most image URLs one request may ask to fetch (IMAGE_FETCH_MAX_URLS) */
    public CamelImageFetcher(ProducerTemplate template, String endpoint, int maxPerRequest) {
        this.template = template;
        this.endpoint = endpoint;
        this.maxPerRequest = maxPerRequest;
    }

    @Override
    public InlineData fetch(String url) {
        InlineData image;
        try {
            image = template.requestBody(endpoint, url, InlineData.class);
        } catch (CamelExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            LOG.debug("Image on host {} not fetched: {}", host(url), reasons(cause));
            throw new ImageFetchException(ImageFetcher.NOT_FETCHED, cause);
        }
        if (image == null) {
            LOG.debug("Image on host {} not fetched: the route answered no image", host(url));
            throw new ImageFetchException(ImageFetcher.NOT_FETCHED);
        }
        return image;
    }

    @Override
    public int maxPerRequest() {
        return maxPerRequest;
    }

    /** The host only: the rest of a URL may carry the client's own secrets (signed links). */
    private static String host(String url) {
        try {
            return String.valueOf(URI.create(url).getHost());
        } catch (RuntimeException e) {
            return "(malformed URL)";
        }
    }

    /** The chain of causes in one line, for the debug log. */
    private static String reasons(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null && sb.length() < 1000; c = c.getCause() == c ? null : c.getCause()) {
            if (!sb.isEmpty()) {
                sb.append(" <- ");
            }
            sb.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
        }
        return sb.toString().replaceAll("[\\r\\n]", " ");
    }
}
