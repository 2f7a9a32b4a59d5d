package dev.caravan.dialect.openai;

/**
 * Why an {@link ImageFetcher} could not turn an image URL into bytes, in words fit for the client (timeout, too
 * large, refused address, not an image). Immutable; thread-safe.
 */
public final class ImageFetchException extends RuntimeException {

    public ImageFetchException(String message) {
        super(message);
    }

    public ImageFetchException(String message, Throwable cause) {
        super(message, cause);
    }
}
