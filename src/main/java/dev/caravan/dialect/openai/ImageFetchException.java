package dev.caravan.dialect.openai;

import dev.caravan.errors.ClientError;

/**
 * Why an image URL could not be turned into bytes (timeout, too large, refused address, not an image). Inside the
 * fetch route the message says what happened, for the debug log; what reaches the client is only
 * {@link ImageFetcher#NOT_FETCHED}. Immutable; thread-safe.
 */
public final class ImageFetchException extends ClientError {

    public ImageFetchException(String message) {
        this(message, null);
    }

    /** A 400 about the image URLs of the messages; {@code cause} is for the debug log only. */
    public ImageFetchException(String message, Throwable cause) {
        super(400, "INVALID_ARGUMENT", message, "messages", cause);
    }
}
