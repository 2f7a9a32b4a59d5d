package dev.caravan.dialect.openai;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;

/**
 * Fetches image URLs through the {@code openai-fetch-image} route (camel-http, the control-plane client), so an
 * operator can change how images are fetched in YAML. Thread-safe: ProducerTemplate is.
 */
public final class CamelImageFetcher implements ImageFetcher {

    private final ProducerTemplate template;
    private final String endpoint;

    public CamelImageFetcher(ProducerTemplate template, String endpoint) {
        this.template = template;
        this.endpoint = endpoint;
    }

    @Override
    public InlineData fetch(String url) {
        try {
            return template.requestBody(endpoint, url, InlineData.class);
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof ImageFetchException f) {
                throw f;
            }
            throw new ImageFetchException("The image URL could not be fetched", e.getCause());
        }
    }
}
