package dev.caravan.dialect.openai;

import io.vertx.core.Future;
import org.apache.camel.Exchange;

/**
 * Hosts the images of a relayed OpenAI stream, so that its chunks carry the image host's link instead of a data URL
 * (UPLOAD_PROVIDER set). Implementations do the upload off the event loop and bound its wait. Thread-safe.
 */
public interface StreamedImages {

    /**
     * The link for one image of the stream that {@code request} relays, or null when the image stays inline (why is
     * noted for the request's error-log row). Called on the stream's event loop; completes on it.
     *
     * @param index the image's position among the stream's images, from 0
     */
    Future<String> link(Exchange request, String mimeType, String base64, int index);
}
