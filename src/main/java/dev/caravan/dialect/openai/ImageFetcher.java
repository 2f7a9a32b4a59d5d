package dev.caravan.dialect.openai;

/**
 * Fetches an {@code http(s)} image URL that a client put in an {@code image_url} part, so that it can travel to
 * Gemini inline. Implementations decide the timeout, the size cap and which addresses they refuse; they must be
 * safe to call from many request threads at once.
 */
@FunctionalInterface
public interface ImageFetcher {

    /**
     * @param url an {@code http} or {@code https} URL, as the client sent it
     * @return the image's MIME type and bytes in base64
     * @throws ImageFetchException with a message fit for the client when the image cannot be had
     */
    InlineData fetch(String url);

    /** A fetcher for deployments that do not fetch URLs: every call fails with a clear message. */
    static ImageFetcher refusing() {
        return url -> {
            throw new ImageFetchException("this gateway does not fetch image URLs; send the image as a data URL");
        };
    }
}
