package dev.caravan.ops;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.Utils;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.plugin.JolokiaPlatformHttpPlugin;
import org.apache.camel.support.service.ServiceSupport;
import org.jolokia.core.api.LogHandler;
import org.jolokia.json.JSONObject;
import org.jolokia.json.JSONStructure;
import org.jolokia.server.core.config.ConfigKey;
import org.jolokia.server.core.config.StaticConfiguration;
import org.jolokia.server.core.http.HttpRequestHandler;
import org.jolokia.server.core.restrictor.policy.PolicyRestrictor;
import org.jolokia.server.core.service.JolokiaServiceManagerFactory;
import org.jolokia.server.core.service.api.JolokiaServiceManager;
import org.jolokia.service.jmx.LocalRequestHandler;
import org.jolokia.service.serializer.JolokiaSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jolokia (JMX over HTTP, what Hawtio reads) on the management server, under a Jolokia access policy that Caravan
 * chooses: {@code jolokia/read-only.xml} (read, list, search, version) unless operators allow operations, then
 * {@code jolokia/operations.xml} (also exec and write). Camel's own plugin always reads {@code /jolokia-access.xml}
 * from the classpath and cannot switch; this one is bound in the registry under the name the management server
 * looks up first ({@value JolokiaPlatformHttpPlugin#NAME}). Who may call it at all is {@link ManagementAdminGuard}'s
 * job. The management server runs the handler on a worker thread; safe for concurrent requests once started.
 */
public final class RestrictedJolokia extends ServiceSupport implements JolokiaPlatformHttpPlugin {

    private static final Logger LOG = LoggerFactory.getLogger(RestrictedJolokia.class);

    private final JolokiaServiceManager manager;
    private final String policy;
    private volatile HttpRequestHandler requests;
    private final Handler<RoutingContext> handler = this::serve;
    private CamelContext camelContext;

    /** @param allowOperations whether exec and write requests are allowed, not only reads */
    public RestrictedJolokia(boolean allowOperations) {
        policy = allowOperations ? "jolokia/operations.xml" : "jolokia/read-only.xml";
        PolicyRestrictor restrictor;
        try (InputStream in = RestrictedJolokia.class.getClassLoader().getResourceAsStream(policy)) {
            if (in == null) {
                throw new IllegalStateException("the Jolokia policy " + policy + " is missing from the classpath");
            }
            restrictor = new PolicyRestrictor(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Jolokia policy " + policy, e);
        }
        StaticConfiguration config = new StaticConfiguration(ConfigKey.AGENT_ID, "caravan",
                // errors name the problem; a stack trace would only describe Caravan's insides to the caller
                ConfigKey.INCLUDE_STACKTRACE, "false");
        manager = JolokiaServiceManagerFactory.createJolokiaServiceManager(config, new Slf4jLog(), restrictor);
        manager.addService(new JolokiaSerializer());
        manager.addService(new LocalRequestHandler(1));
    }

    @Override
    protected void doStart() {
        requests = new HttpRequestHandler(manager.start());
        LOG.info("Jolokia started with the access policy {}", policy);
    }

    @Override
    protected void doStop() {
        manager.stop();
    }

    @Override
    public String getId() {
        return NAME;
    }

    @Override
    public Object getHandler() {
        return handler;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** One Jolokia request (GET with the request in the path, or POST with JSON), answered as Jolokia's agents do. */
    private void serve(RoutingContext rc) {
        HttpServerRequest req = rc.request();
        JSONStructure answer;
        int status = 200;
        try {
            String client = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
            requests.checkAccess(req.scheme(), client, client, origin(req));
            Map<String, String[]> params = params(req.params());
            if (req.method() == HttpMethod.GET) {
                // the request is in the path after the mount point, as Camel's own plugin reads it
                answer = requests.handleGetRequest(req.uri(), Utils.pathOffset(req.path(), rc), params);
            } else {
                answer = requests.handlePostRequest(req.uri(), body(rc), StandardCharsets.UTF_8.name(), params);
            }
        } catch (Exception e) {
            JSONObject error = requests.handleThrowable(e);
            answer = error;
            status = error.get("status") instanceof Number n ? n.intValue() : 500;
        }
        rc.response().setStatusCode(status).putHeader("content-type", "application/json")
                .end(answer.toJSONString());
    }

    private static InputStream body(RoutingContext rc) {
        Buffer body = rc.body() == null ? null : rc.body().buffer();
        return new ByteArrayInputStream(body == null ? new byte[0] : body.getBytes());
    }

    private static Map<String, String[]> params(MultiMap params) {
        Map<String, String[]> map = new HashMap<>();
        for (String name : params.names()) {
            map.put(name, params.getAll(name).toArray(new String[0]));
        }
        return map;
    }

    /** What Jolokia's CORS check looks at: the Origin, or else the Referer. */
    private static String origin(HttpServerRequest req) {
        String origin = req.getHeader("Origin");
        return origin != null ? origin : req.getHeader("Referer");
    }

    /** Jolokia's own messages, into Caravan's log. */
    private static final class Slf4jLog implements LogHandler {
        @Override
        public void debug(String message) {
            LOG.debug(message);
        }

        @Override
        public void info(String message) {
            LOG.info(message);
        }

        @Override
        public void error(String message, Throwable t) {
            LOG.error(message, t);
        }

        @Override
        public boolean isDebug() {
            return LOG.isDebugEnabled();
        }
    }
}
