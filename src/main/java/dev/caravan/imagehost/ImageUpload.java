package dev.caravan.imagehost;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

import dev.caravan.dialect.GeneratedImages;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;

/**
 * The steps an image-host route (routes/image-hosts/) takes around its camel-http call: {@link #form} makes the
 * upload's multipart/form-data body, {@link #relativeTo} turns a host's relative answer into a link. Thread-safe.
 */
public final class ImageUpload {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final long maxBytes;

    /** @param maxBytes the largest image uploaded (IMAGE_UPLOAD_MAX_BYTES); a larger one stays inline */
    public ImageUpload(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Replaces the message with the upload: the body becomes multipart/form-data with the image as the file field
     * {@code field} (a random file name with the type's extension), and every header is removed, so that nothing but
     * what the host route sets after this step reaches the host.
     *
     * @throws ImageHostException when there is no image or it is larger than IMAGE_UPLOAD_MAX_BYTES
     */
    public void form(Exchange exchange, String field) {
        Message m = exchange.getMessage();
        byte[] image = m.getBody(byte[].class);
        if (image == null || image.length == 0) {
            throw new ImageHostException("no image to upload");
        }
        if (image.length > maxBytes) {
            throw new ImageHostException("the image has " + image.length + " bytes, more than IMAGE_UPLOAD_MAX_BYTES ("
                    + maxBytes + ")");
        }
        String mime = m.getHeader(GeneratedImages.MIME_TYPE, "image/png", String.class);
        ContentType type = ContentType.create(mime.matches("[a-z]+/[a-z0-9.+-]{1,64}") ? mime : "image/png");
        m.removeHeaders("*");
        m.setBody(MultipartEntityBuilder.create()
                // "multipart/form-data; boundary=...", as browsers send it (HttpClient would add a charset)
                .setContentType(ContentType.create("multipart/form-data"))
                .addBinaryBody(field, image, type, fileName(type.getMimeType()))
                .build());
    }

    /**
     * Adds {@code name=<value>} to the upload's query (camel-http's {@code CamelHttpQuery}), the value being the
     * property {@code property} (e.g. {@code caravan.cloudflare-imgbed-auth-code}), URL-encoded whatever it holds. The
     * route names the property rather than its value, so that no credential is written into an endpoint URI.
     */
    public void queryParam(Exchange exchange, String name, String property) {
        String value = exchange.getContext().getPropertiesComponent().resolveProperty(property).orElse("");
        Message m = exchange.getMessage();
        String query = m.getHeader(Exchange.HTTP_QUERY, String.class);
        String pair = URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
        m.setHeader(Exchange.HTTP_QUERY, query == null || query.isEmpty() ? pair : query + "&" + pair);
    }

    /**
     * The link a host answered: {@code src} as it is when it is an http(s) address, else relative to the upload URL
     * with what follows its last {@code /upload} cut off (cloudflare_imgbed answers {@code /file/abc.png}); null when
     * the host answered none.
     */
    public String relativeTo(String uploadUrl, String src) {
        if (src == null || src.isBlank()) {
            return null;
        }
        if (src.startsWith("http://") || src.startsWith("https://")) {
            return src;
        }
        String base = uploadUrl;
        int q = base.indexOf('?');
        if (q >= 0) {
            base = base.substring(0, q);
        }
        int upload = base.lastIndexOf("/upload");
        if (upload > base.indexOf("://") + 2) {
            base = base.substring(0, upload);
        } else {
            base = URI.create(base).resolve("/").toString();
        }
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + (src.startsWith("/") ? src : "/" + src);
    }

    private static String fileName(String mime) {
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        String ext = switch (mime) {
            case "image/jpeg" -> "jpg";
            case "image/webp" -> "webp";
            case "image/gif" -> "gif";
            default -> "png";
        };
        return HexFormat.of().formatHex(id) + "." + ext;
    }
}
