package dev.caravan.imagefetch;

/**
 * The HttpClient that fetches image URLs (the {@code openai-fetch-image} route's camel-http endpoint names it as its
 * {@code httpClientConfigurer}): every connection looks its host up once through {@link ImageAddressResolver} and
 * connects only to the addresses it checked, every fetch runs under {@link ImageFetchLimits}, and nothing is
 * followed, retried, remembered or sent besides the GET itself (no redirects, no cookies, no credentials). TLS is
 * HttpClient's default: SNI and the certificate check use the URL's host name, not the address. Through a proxy
 * set on the endpoint, the address checked is the proxy's, and the proxy must refuse private addresses itself.
 *
 * <p>Owns its connection pool, the lookup threads and the deadline timer; {@link #close()} releases them at
 * shutdown. Thread-safe.
 */
public final class ImageFetchClient extends BoundedHttpClient {

    private final ImageAddressResolver resolver;

    /**
     * @param allowPrivate  let image hosts resolve to loopback and private addresses (IMAGE_FETCH_ALLOW_PRIVATE)
     * @param timeoutMillis the whole fetch, lookup to last byte (IMAGE_FETCH_TIMEOUT_SECONDS)
     * @param maxBytes      the most bytes of one image (IMAGE_FETCH_MAX_BYTES)
     */
    public ImageFetchClient(ImageAddressResolver.Lookup lookup, boolean allowPrivate, long timeoutMillis,
                            long maxBytes) {
        this(new ImageAddressResolver(lookup, allowPrivate, timeoutMillis), timeoutMillis, maxBytes);
    }

    private ImageFetchClient(ImageAddressResolver resolver, long timeoutMillis, long maxBytes) {
        super("caravan-image-fetch-limits", timeoutMillis, maxBytes, 100, resolver);
        this.resolver = resolver;
    }

    @Override
    public void close() {
        super.close();
        resolver.close();
    }
}
