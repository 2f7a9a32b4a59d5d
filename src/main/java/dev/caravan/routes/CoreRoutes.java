package dev.caravan.routes;

import java.nio.file.Path;
import java.util.List;

import dev.caravan.config.InvalidSettingException;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;

/**
 * The routes Caravan cannot serve without, checked once they have started and before the port opens: the call to
 * Google ({@code direct:upstream-call}) and the request log ({@code direct:request-log-write}, which the gateway's
 * own answers to unrouted requests are written through). Camel starts happily with no route at all when
 * {@code routes/} is not where the process runs, and Caravan would then answer every API call with a 404 and block
 * an event loop for half a minute on each log row; it refuses to start instead, and says where it looked.
 */
public final class CoreRoutes {

    static final List<String> REQUIRED = List.of("direct:upstream-call", "direct:request-log-write");

    private CoreRoutes() {
    }

    /**
     * @param includePattern Camel's {@code camel.main.routes-include-pattern} as resolved, for the message
     * @throws InvalidSettingException naming the missing routes and the folder the process runs in
     */
    public static void require(CamelContext context, String includePattern) {
        List<String> missing = REQUIRED.stream().filter(uri -> !consumed(context, uri)).toList();
        if (missing.isEmpty()) {
            return;
        }
        throw new InvalidSettingException("CAMEL_MAIN_ROUTES_INCLUDE_PATTERN", "camel.main.routes-include-pattern",
                includePattern, "no loaded route consumes " + String.join(" or ", missing) + " (" + context.getRoutesSize()
                        + " routes loaded, running in " + Path.of("").toAbsolutePath() + "): start Caravan in the folder "
                        + "that holds routes/ and application.properties (the project's root; /app in the image)");
    }

    /** Whether a started route consumes {@code uri}, given as {@code direct:name}. */
    public static boolean consumed(CamelContext context, String uri) {
        String normalized = uri.replaceFirst(":(?!//)", "://");
        for (Route route : context.getRoutes()) {
            String from = route.getEndpoint().getEndpointUri();
            if (from.equals(uri) || from.equals(normalized)) {
                return true;
            }
        }
        return false;
    }
}
