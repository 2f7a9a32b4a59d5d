package dev.caravan.http;

import java.util.function.BooleanSupplier;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * The edge of the HTTP server, below the routes: gemini-balance's path aliases, its smart URL normalisation when
 * URL_NORMALIZATION_ENABLED is on ({@link UrlNormalization}), and JSON in the caller's dialect
 * ({@link EdgeAnswers}) for what no route sees (an unknown path, a body over the limit, a failure inside Vert.x)
 * instead of Vert.x's HTML.
 */
public final class HttpEdge {

    /** Marks a request already rewritten once: a rewritten path that no route serves either is answered 404. */
    private static final String NORMALIZED = "caravan.normalized";

    private final EdgeAnswers answers;
    private final BooleanSupplier normalizationEnabled;
    private final UrlNormalization normalization = new UrlNormalization();

    public HttpEdge(EdgeAnswers answers) {
        this(answers, () -> false);
    }

    /** @param normalizationEnabled URL_NORMALIZATION_ENABLED in force, asked for every path no route took */
    public HttpEdge(EdgeAnswers answers, BooleanSupplier normalizationEnabled) {
        this.answers = answers;
        this.normalizationEnabled = normalizationEnabled;
    }

    /** Adds the aliases and the JSON error answers to the router the routes are on, once they all are. */
    public void install(VertxPlatformHttpRouter router) {
        // gemini-balance's aliases: /gemini/v1beta/... is /v1beta/..., /hf/v1/... is /v1/...; served by the same routes
        router.route("/gemini/v1beta/*").handler(rc -> rc.reroute(rc.request().uri().substring("/gemini".length())));
        router.route("/hf/v1/*").handler(rc -> rc.reroute(rc.request().uri().substring("/hf".length())));
        // Files API uploads: the alias, and an upload whose body was not read to its end (refused, or Google answered
        // before it was all sent) ends its connection with the answer, as the rest of the body is still on its way
        router.route("/gemini/upload/*").handler(rc -> rc.reroute(rc.request().uri().substring("/gemini".length())));
        router.route("/upload/*").order(-1).handler(HttpEdge::closeIfBodyUnread);
        // --- Images: an image edit's form is read by its route too (routes/image-edits.camel.yaml) ---
        router.route("/v1/images/edits").order(-1).handler(HttpEdge::closeIfBodyUnread);
        // registered last, so it only sees requests that no route took: normalised once when that is on, else 404
        router.route().last().handler(this::unrouted);
        // platform-http's routes live on a sub-router, whose error handlers Vert.x never calls (only the root
        // router's): a failure handler on the sub-router sees failures such as the body handler's 413 before they
        // fall through to Vert.x's plain-text answer
        router.route().failureHandler(this::failed);
    }

    /**
     * Fails when nothing could listen on {@code port}. Checked while Caravan is configured, long before the port
     * opens, so an operator gets one clear line and a non-zero exit at once.
     */
    public static void requirePortFree(int port) {
        if (port == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(port));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Cannot listen on port " + port + " (PORT): " + e.getMessage()
                    + "; is another process using it?");
        }
    }

    private static void closeIfBodyUnread(RoutingContext rc) {
        rc.addHeadersEndHandler(v -> {
            if (!rc.request().isEnded()) {
                rc.response().putHeader(io.vertx.core.http.HttpHeaders.CONNECTION, io.vertx.core.http.HttpHeaders.CLOSE);
            }
        });
        rc.addEndHandler(done -> {
            if (!rc.request().isEnded()) {
                LingeringClose.close(rc.request());
            }
        });
        rc.next();
    }

    private void unrouted(RoutingContext rc) {
        if (rc.get(NORMALIZED) == null && normalizationEnabled.getAsBoolean()) {
            HttpServerRequest request = rc.request();
            String target = normalization.canonical(request.method().name(), request.path(),
                    request.getParam("model"), request.getParam("stream"));
            if (target != null) {
                rc.put(NORMALIZED, Boolean.TRUE);
                // the query stays as sent: ?key= authenticates, alt=sse shapes the stream
                String query = request.query();
                rc.reroute(query == null ? target : target + "?" + query);
                return;
            }
        }
        answer(rc, 404, "NOT_FOUND", "No such endpoint: " + endpoint(rc));
    }

    /** The path asked for, as an answer may quote it: gemini-balance's own routes put keys in paths. */
    private static String endpoint(RoutingContext rc) {
        return dev.caravan.storage.SecretRedactor.withoutKeyShapes(rc.request().path());
    }

    private void failed(RoutingContext rc) {
        int code = rc.statusCode();
        if (code < 0 && rc.failure() instanceof HttpException he) {
            code = he.getStatusCode();
        }
        switch (code) {
            case 400 -> answer(rc, 400, "INVALID_ARGUMENT", "Malformed request");
            case 404 -> answer(rc, 404, "NOT_FOUND", "No such endpoint: " + endpoint(rc));
            case 405 -> answer(rc, 405, "METHOD_NOT_ALLOWED", "Method not allowed here");
            case 413 -> answer(rc, 413, "INVALID_ARGUMENT", "Request body too large");
            default -> answer(rc, 500, "INTERNAL", "Internal error in the gateway");
        }
    }

    private void answer(RoutingContext rc, int code, String status, String message) {
        // the rest of an oversized body is not read: close rather than drain it
        answers.answer(rc.request(), code, status, message, code == 413);
    }
}
