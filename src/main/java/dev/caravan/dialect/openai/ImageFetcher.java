package dev.caravan.dialect.openai;

/**
 * Fetches an {@code http(s)} image URL that a client put in an {@code image_url} part, so that it can travel to
 * Gemini inline. Implementations decide the time budget, the size cap, how many URLs a request may hold and which
 * addresses they refuse; they must be safe to call from many request threads at once.
 */
public interface ImageFetcher {

    /** The one thing a client learns when an image was not fetched, whatever the reason. */
    String NOT_FETCHED = "could not be fetched";

    /**
     * @param url an {@code http} or {@code https} URL, as the client sent it
     * @return the image's MIME type and bytes in base64
     * @throws ImageFetchException when the image cannot be had; its message is {@link #NOT_FETCHED}
     */
    InlineData fetch(String url);

    /** The most image URLs one request may ask to fetch; a request with more is refused before any fetch. */
    default int maxPerRequest() {
        return Integer.MAX_VALUE;
    }

    /** A fetcher for deployments that do not fetch URLs: every call fails. */
    static ImageFetcher refusing() {
        return url -> {
            throw new ImageFetchException(NOT_FETCHED);
        };
    }
}
