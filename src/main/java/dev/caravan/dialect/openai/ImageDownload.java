package dev.caravan.dialect.openai;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Reads a fetched image into inline data: refuses an error status, a non-image type and anything over the size
 * cap, reading no more than the cap. Thread-safe.
 */
public final class ImageDownload implements Processor {

    private final int maxBytes;

    public ImageDownload(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        Message msg = exchange.getMessage();
        int status = msg.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String type = msg.getHeader(Exchange.CONTENT_TYPE, "", String.class);
        if (status < 200 || status >= 300) {
            throw new ImageFetchException("The image URL answered HTTP " + status);
        }
        String mime = type.contains(";") ? type.substring(0, type.indexOf(';')).trim() : type.trim();
        if (!mime.startsWith("image/")) {
            throw new ImageFetchException("The image URL did not answer with an image (content type '" + mime + "')");
        }
        byte[] bytes;
        try (InputStream in = msg.getBody(InputStream.class)) {
            bytes = in == null ? new byte[0] : in.readNBytes(maxBytes + 1);
        }
        if (bytes.length > maxBytes) {
            throw new ImageFetchException("The image is larger than " + maxBytes + " bytes");
        }
        msg.getHeaders().clear();
        msg.setBody(new InlineData(mime, Base64.getEncoder().encodeToString(bytes)));
    }
}
