package dev.caravan.dialect.openai;

import dev.caravan.errors.ClientError;

/**
 * Why an {@link ImageFetcher} could not turn an image URL into bytes, in words fit for the client (timeout, too
 * large, refused address, not an image). Immutable; thread-safe.
 */
public final class ImageFetchException extends ClientError {

    public ImageFetchException(String message) {
        this(message, null);
    }

    /** A 400 about the image URLs of the messages; {@code cause} is for the log only. */
    public ImageFetchException(String message, Throwable cause) {
        super(400, "INVALID_ARGUMENT", message, "messages", cause);
    }
}
