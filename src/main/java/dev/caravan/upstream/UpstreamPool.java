package dev.caravan.upstream;

import java.net.URI;

import dev.caravan.keys.KeyRoundRobin;
import io.vertx.core.net.SocketAddress;

/**
 * A key pool and the Google endpoint its keys are for: the Gemini API pool (API_KEYS, BASE_URL) or the Vertex AI
 * Express pool (VERTEX_API_KEYS, VERTEX_EXPRESS_BASE_URL). A route chooses one by name with the contract's
 * {@link Upstream#POOL} header. Immutable; safe to share between threads.
 *
 * @param name the name the header uses
 * @param keys the pool's keys and their health
 * @param base where its calls go: scheme, host, port and the path every upstream path is put under; null: the
 *             BASE_URL in force (a pool of Gemini API keys beside API_KEYS, such as PAID_KEY's)
 */
public record UpstreamPool(String name, KeyRoundRobin keys, Base base) {

    /** The pool of the Gemini API, used when a route names none. */
    public static final String GEMINI = "gemini";
    /** The pool of Vertex AI in express mode. */
    public static final String VERTEX = "vertex";

    /**
     * A base URL taken apart once, as the upstream call needs it for every attempt; {@code server} is the address
     * Vert.x's client would otherwise make (and parse an IP literal into) for every request.
     */
    public record Base(String host, int port, boolean ssl, String path, SocketAddress server) {

        public Base(String host, int port, boolean ssl, String path) {
            this(host, port, ssl, path, SocketAddress.inetSocketAddress(port, host));
        }

        /** @param url e.g. {@code https://aiplatform.googleapis.com/v1beta1/publishers/google} */
        public static Base of(URI url) {
            boolean ssl = "https".equals(url.getScheme());
            int port = url.getPort() > 0 ? url.getPort() : (ssl ? 443 : 80);
            String path = url.getRawPath() == null ? "" : url.getRawPath();
            return new Base(url.getHost(), port, ssl, path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
        }

        /** Google's upload root for this base: {@code /upload/v1beta} for {@code /v1beta} (as Google's own clients build it). */
        public String uploadPath() {
            int version = path.lastIndexOf('/');
            return version < 0 ? "/upload" : path.substring(0, version) + "/upload" + path.substring(version);
        }
    }

    public static UpstreamPool of(String name, KeyRoundRobin keys, URI baseUrl) {
        return new UpstreamPool(name, keys, Base.of(baseUrl));
    }
}
