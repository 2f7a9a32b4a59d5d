package dev.caravan.imagefetch;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.Timeout;

/**
 * camel-http's HttpClient for calls Caravan makes to hosts it does not control (image URLs in chat messages, image
 * hosts): every call runs under {@link ImageFetchLimits} (one deadline, connect to last byte, and a cap on the bytes
 * read), and nothing is followed, retried or remembered (no redirects, no cookies, no cached credentials). The
 * endpoints name a subclass as their {@code httpClientConfigurer}. Owns its connection pool and deadline timer;
 * {@link #close()} releases them at shutdown. Thread-safe.
 */
public class BoundedHttpClient implements HttpClientConfigurer, AutoCloseable {

    private final String name;
    private final ImageFetchLimits limits;
    private final PoolingHttpClientConnectionManager connections;
    private final RequestConfig requests;

    /**
     * @param name          the interceptor's name, for HttpClient's own logs
     * @param timeoutMillis the whole call, connect (or lookup) to last byte
     * @param maxBytes      the most bytes of an answer's body
     * @param maxTotal      connections at most, across hosts
     * @param resolver      how host names are looked up; null: the system's resolver
     */
    protected BoundedHttpClient(String name, long timeoutMillis, long maxBytes, int maxTotal, DnsResolver resolver) {
        Timeout timeout = Timeout.ofMilliseconds(timeoutMillis);
        this.name = name;
        this.limits = new ImageFetchLimits(timeoutMillis, maxBytes);
        PoolingHttpClientConnectionManagerBuilder pool = PoolingHttpClientConnectionManagerBuilder.create();
        if (resolver != null) {
            pool.setDnsResolver(resolver);
        }
        this.connections = pool
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(timeout).setSocketTimeout(timeout).build())
                .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(timeout).build())
                .setMaxConnTotal(maxTotal)
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
                .addExecInterceptorFirst(name, limits);
    }

    @Override
    public void close() {
        connections.close();
        limits.close();
    }
}
