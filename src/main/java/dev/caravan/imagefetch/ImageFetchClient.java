package dev.caravan.imagefetch;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.Timeout;

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
public final class ImageFetchClient implements HttpClientConfigurer, AutoCloseable {

    private final ImageAddressResolver resolver;
    private final ImageFetchLimits limits;
    private final PoolingHttpClientConnectionManager connections;
    private final RequestConfig requests;

    /**
     * @param allowPrivate  let image hosts resolve to loopback and private addresses (IMAGE_FETCH_ALLOW_PRIVATE)
     * @param timeoutMillis the whole fetch, lookup to last byte (IMAGE_FETCH_TIMEOUT_SECONDS)
     * @param maxBytes      the most bytes of one image (IMAGE_FETCH_MAX_BYTES)
     */
    public ImageFetchClient(ImageAddressResolver.Lookup lookup, boolean allowPrivate, long timeoutMillis,
                            long maxBytes) {
        Timeout timeout = Timeout.ofMilliseconds(timeoutMillis);
        this.resolver = new ImageAddressResolver(lookup, allowPrivate, timeoutMillis);
        this.limits = new ImageFetchLimits(timeoutMillis, maxBytes);
        this.connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(resolver)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(timeout).setSocketTimeout(timeout).build())
                .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(timeout).build())
                .setMaxConnTotal(100)
                .setMaxConnPerRoute(10)
                .build();
        this.requests = RequestConfig.custom()
                .setConnectionRequestTimeout(timeout)
                .setResponseTimeout(timeout)
                .setRedirectsEnabled(false)
                .build();
    }

    /** Called by camel-http after its own settings, so these win over the endpoint's. */
    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.setConnectionManager(connections)
                // the pool belongs to this bean, which closes it at shutdown, whichever endpoints used it
                .setConnectionManagerShared(true)
                .setDefaultRequestConfig(requests)
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .addExecInterceptorFirst("caravan-image-fetch-limits", limits);
    }

    @Override
    public void close() {
        connections.close();
        limits.close();
        resolver.close();
    }
}
