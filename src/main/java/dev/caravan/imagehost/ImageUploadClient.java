package dev.caravan.imagehost;

import dev.caravan.imagefetch.ImageFetchLimits;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.Timeout;

/**
 * The HttpClient of the image-host routes (their camel-http endpoints name it as {@code httpClientConfigurer}): one
 * deadline for a whole upload, connect to last byte of the host's answer (IMAGE_UPLOAD_TIMEOUT_SECONDS), and at most
 * {@link #MAX_ANSWER_BYTES} of answer, so that a slow or broken host costs one image's link, never a worker for
 * long. Nothing is followed, retried or remembered (no redirects, no cookies). The host is the operator's, so
 * unlike image-URL fetches any address is allowed. Owns its pool and timer; {@link #close()} releases them.
 * Thread-safe.
 */
public final class ImageUploadClient implements HttpClientConfigurer, AutoCloseable {

    /** A host answers a short JSON document with the link; anything longer is not an answer worth reading. */
    static final long MAX_ANSWER_BYTES = 1024 * 1024;

    private final ImageFetchLimits limits;
    private final PoolingHttpClientConnectionManager connections;
    private final RequestConfig requests;

    /** @param timeoutMillis the whole upload, connect to last byte of the answer */
    public ImageUploadClient(long timeoutMillis) {
        Timeout timeout = Timeout.ofMilliseconds(timeoutMillis);
        this.limits = new ImageFetchLimits(timeoutMillis, MAX_ANSWER_BYTES);
        this.connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(timeout).setSocketTimeout(timeout).build())
                .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(timeout).build())
                .setMaxConnTotal(50)
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
                .setConnectionManagerShared(true)
                .setDefaultRequestConfig(requests)
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .addExecInterceptorFirst("caravan-image-upload-limits", limits);
    }

    @Override
    public void close() {
        connections.close();
        limits.close();
    }
}
