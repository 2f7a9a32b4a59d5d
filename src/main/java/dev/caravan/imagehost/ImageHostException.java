package dev.caravan.imagehost;

/**
 * An image could not be hosted (too large, or the host answered no link); the client gets the image inline instead.
 * Its message names no secret and no URL.
 */
public final class ImageHostException extends RuntimeException {

    public ImageHostException(String message) {
        super(message, null, false, false);
    }
}
