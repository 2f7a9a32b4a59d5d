package dev.caravan.admin;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers an admin request that no admin route took (route admin-unmatched-http): 404 when no route serves its
 * path, 405 naming the methods that do when routes serve the path with other methods. Vert.x tells the two apart
 * only when no later route matches, and the HTTP edge's catch-all always matches; so the answer is worked out here
 * from the running platform-http routes themselves, and a verb added to admin.camel.yaml is known at once, with no
 * list to keep in step. (platform-http's own list of endpoints keeps one verb per path, so it cannot serve.)
 * Stateless; thread-safe.
 */
public final class AdminMethods {

    private static final Logger LOG = LoggerFactory.getLogger(AdminMethods.class);

    /** What a route without a method restriction serves. */
    private static final List<String> EVERY_METHOD =
            List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    /** 404 for a path that no running route serves, with any method. */
    public void requireServedPath(Exchange exchange) {
        String path = AdminAccess.request(exchange).path();
        if (methodsServing(exchange.getContext(), path).isEmpty()) {
            throw notFound(path);
        }
    }

    /** 405 naming the methods the path's routes serve (the {@code Allow} header). */
    public void refuse(Exchange exchange) {
        HttpServerRequest req = AdminAccess.request(exchange);
        String method = req.method().name();
        Set<String> methods = methodsServing(exchange.getContext(), req.path());
        if (methods.contains(method)) {
            // only when the catch-all reached the router before that route: say so, since clients just see 404s
            LOG.warn("{} {} reached the admin catch-all although a route serves it: the catch-all must start last",
                    method, req.path());
        }
        if (methods.isEmpty() || methods.contains(method)) {
            throw notFound(req.path());
        }
        throw new MethodNotAllowed(methods);
    }

    /** The methods that the running platform-http routes serve on {@code path}, sorted; empty when none does. */
    static Set<String> methodsServing(CamelContext context, String path) {
        Set<String> methods = new TreeSet<>();
        for (Route route : context.getRoutes()) {
            // a stopped route has taken its path off the router
            if (route.getConsumer() instanceof PlatformHttpConsumer consumer && ServiceHelper.isStarted(consumer)) {
                PlatformHttpEndpoint endpoint = consumer.getEndpoint();
                // prefix routes (this fallback among them) take any path below theirs: they tell nothing
                if (!endpoint.isMatchOnUriPrefix() && matches(endpoint.getPath(), path)) {
                    String restrict = endpoint.getHttpMethodRestrict();
                    methods.addAll(restrict == null || restrict.isBlank() ? EVERY_METHOD
                            : List.of(restrict.toUpperCase(Locale.ROOT).split("\\s*,\\s*")));
                }
            }
        }
        return methods;
    }

    /**
     * Whether a route path such as {@code /admin/api/logs/requests/{id}} matches a request path as Vert.x matches
     * it: segment by segment, a {@code {name}} standing for any one non-empty segment, a trailing slash ignored.
     * A path with a wildcard never matches.
     */
    static boolean matches(String routePath, String requestPath) {
        if (routePath == null || requestPath == null || routePath.contains("*")) {
            return false;
        }
        String[] route = segments(routePath);
        String[] request = segments(requestPath);
        if (route.length != request.length) {
            return false;
        }
        for (int i = 0; i < route.length; i++) {
            String r = route[i];
            boolean param = r.length() > 2 && r.startsWith("{") && r.endsWith("}");
            if (param ? request[i].isEmpty() : !r.equals(request[i])) {
                return false;
            }
        }
        return true;
    }

    private static String[] segments(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.split("/", -1);
    }

    private static AdminError notFound(String path) {
        return new AdminError(404, "No such admin endpoint: " + path);
    }
}
