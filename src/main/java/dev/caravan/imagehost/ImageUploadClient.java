package dev.caravan.imagehost;

import dev.caravan.imagefetch.BoundedHttpClient;

/**
 * The HttpClient of the image-host routes (their camel-http endpoints name it as {@code httpClientConfigurer}): one
 * deadline for a whole upload, connect to last byte of the host's answer (IMAGE_UPLOAD_TIMEOUT_SECONDS), and at most
 * {@link #MAX_ANSWER_BYTES} of answer, so that a slow or broken host costs one image's link, never a worker for
 * long. Nothing is followed, retried or remembered (no redirects, no cookies). The host is the operator's, so
 * unlike image-URL fetches any address is allowed. Owns its pool and timer; {@link #close()} releases them.
 * Thread-safe.
 */
public final class ImageUploadClient extends BoundedHttpClient {

    /** A host answers a short JSON document with the link; anything longer is not an answer worth reading. */
    static final long MAX_ANSWER_BYTES = 1024 * 1024;

    /** @param timeoutMillis the whole upload, connect to last byte of the answer */
    public ImageUploadClient(long timeoutMillis) {
        super("caravan-image-upload-limits", timeoutMillis, MAX_ANSWER_BYTES, 50, null);
    }
}
