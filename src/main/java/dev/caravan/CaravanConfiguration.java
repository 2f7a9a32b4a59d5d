package dev.caravan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.config.Settings;
import dev.caravan.dialect.GeminiErrors;
import dev.caravan.dialect.GeminiRequest;
import dev.caravan.http.ElasticWorkerPool;
import dev.caravan.http.HttpEdge;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.security.AdminToken;
import dev.caravan.security.TokenVerifier;
import dev.caravan.upstream.BreakerFallback;
import dev.caravan.upstream.FailoverDecision;
import dev.caravan.upstream.GeminiCall;
import dev.caravan.upstream.UpstreamErrorClassifier;
import dev.caravan.upstream.UpstreamReply;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.impl.VertxBuilder;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;

/**
 * Wires Caravan's beans into the Camel registry, where the YAML routes find them by name. The one place that
 * knows how the parts fit; every bean itself only knows its own job.
 */
public final class CaravanConfiguration implements CamelConfiguration {

    /** The settings, once {@link #configure} read them; the main class reports from them. */
    private Settings settings;
    private KeyRoundRobin pool;

    private volatile RuntimeException failure;

    @Override
    public void configure(CamelContext context) {
        try {
            settings = Settings.from(caravanProperties(context));
            HttpEdge.requirePortFree(settings.port());
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
        LongSupplier clock = System::currentTimeMillis;
        ObjectMapper json = new ObjectMapper();
        Registry registry = context.getRegistry();

        // one Vert.x for the HTTP server and the upstream client; its worker pool holds every in-flight request,
        // streams included, because platform-http parks a worker thread per exchange (DESIGN §6)
        Vertx vertx = new VertxBuilder(new VertxOptions().setWorkerPoolSize(settings.workerPoolSize()))
                .executorServiceFactory(new ElasticWorkerPool()).init().vertx();
        registry.bind("vertx", vertx);
        // Camel does not own a Vert.x it found in the registry: close it when the context shuts down
        try {
            context.addService(new org.apache.camel.support.service.ServiceSupport() {
                @Override
                protected void doShutdown() {
                    vertx.close();
                }
            }, true, false);
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the Vert.x shutdown", e);
        }
        HttpClient http = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setForceSni(true)
                        .setConnectTimeout((int) Math.min(10_000L, settings.timeoutSeconds() * 1000L)),
                new PoolOptions().setHttp1MaxSize(settings.upstreamPoolSize()));

        pool = new KeyRoundRobin(settings.apiKeys(), settings.maxFailures(), clock);
        String adminToken = AdminToken.resolve(settings.authToken(), Path.of("data", "auth_token"));
        List<String> clientTokens = new ArrayList<>(settings.allowedTokens());
        clientTokens.add(adminToken);
        UpstreamErrorClassifier classifier = new UpstreamErrorClassifier(json,
                settings.throttleCooldownSeconds() * 1000L, settings.unavailableModelHours() * 3_600_000L);

        registry.bind("settings", settings);
        registry.bind("keyRoundRobin", pool);
        registry.bind("tokenVerifier", new TokenVerifier(clientTokens));
        registry.bind("geminiRequest", new GeminiRequest(new JsonFactory()));
        registry.bind("geminiErrors", new GeminiErrors());
        registry.bind("geminiCall", new GeminiCall(vertx, http, settings.baseUrl(), settings.timeoutSeconds() * 1000L));
        registry.bind("breakerFallback", new BreakerFallback());
        registry.bind("failoverDecision", new FailoverDecision(classifier, pool, settings::maxRetries, clock));
        registry.bind("upstreamReply", new UpstreamReply(pool));
        registry.bind("httpEdge", new HttpEdge());
    }

    /** Why the configuration could not be read, or null. */
    public RuntimeException failure() {
        return failure;
    }

    public Settings settings() {
        return settings;
    }

    public KeyRoundRobin pool() {
        return pool;
    }

    /** Every {@code caravan.*} property with its placeholders ({@code {{env:...}}}) resolved. */
    private static Properties caravanProperties(CamelContext context) {
        PropertiesComponent pc = context.getPropertiesComponent();
        Properties resolved = new Properties();
        for (String name : pc.loadProperties(k -> k.startsWith("caravan.")).stringPropertyNames()) {
            pc.resolveProperty(name).ifPresent(v -> resolved.setProperty(name, v));
        }
        return resolved;
    }
}
