package dev.caravan.http;

import dev.caravan.errors.GoogleErrors;
import dev.caravan.security.ClientAddress;
import dev.caravan.security.TokenVerifier;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * The edge of the HTTP server, below the routes: answers what no route sees (an unknown path, a body over the
 * limit, a failure inside Vert.x) as JSON in the caller's dialect instead of Vert.x's HTML, and tells whether
 * the port was really bound, since Camel Main carries on without it.
 */
public final class HttpEdge {

    /** Where every answered request goes to become a request_log row. */
    private static final String REQUEST_LOG = "direct:request-log-write";

    private CamelContext context;
    private ProducerTemplate logWriter;

    /**
     * Installs the JSON error answers on the router of the server on {@code port}.
     *
     * @return the port actually bound, or 0 when the server did not bind
     */
    public int install(CamelContext context, int port) {
        this.context = context;
        this.logWriter = context.createProducerTemplate();
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            return 0;
        }
        // gemini-balance's aliases: /gemini/v1beta/... is /v1beta/..., /hf/v1/... is /v1/...; served by the same routes
        router.route("/gemini/v1beta/*").handler(rc -> rc.reroute(rc.request().uri().substring("/gemini".length())));
        router.route("/hf/v1/*").handler(rc -> rc.reroute(rc.request().uri().substring("/hf".length())));
        // registered last, so it only sees requests that no route took
        router.route().last().handler(rc -> answer(rc, 404, "NOT_FOUND", "No such endpoint: " + rc.request().path()));
        // platform-http's routes live on a sub-router, whose error handlers Vert.x never calls (only the root
        // router's, which Camel does not expose): a failure handler on the sub-router sees failures such as the
        // body handler's 413 before they fall through to Vert.x's plain-text answer
        router.route().failureHandler(this::failed);
        return router.getServer().getPort();
    }

    /**
     * Fails when nothing could listen on {@code port}. Camel Main goes on when Vert.x cannot bind, so the port is
     * tried first: an operator then gets one clear line and a non-zero exit instead of a gateway that serves nothing.
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

    private void failed(RoutingContext rc) {
        int code = rc.statusCode();
        if (code < 0 && rc.failure() instanceof HttpException he) {
            code = he.getStatusCode();
        }
        switch (code) {
            case 400 -> answer(rc, 400, "INVALID_ARGUMENT", "Malformed request");
            case 404 -> answer(rc, 404, "NOT_FOUND", "No such endpoint: " + rc.request().path());
            case 405 -> answer(rc, 405, "METHOD_NOT_ALLOWED", "Method not allowed here");
            case 413 -> answer(rc, 413, "INVALID_ARGUMENT", "Request body too large");
            default -> answer(rc, 500, "INTERNAL", "Internal error in the gateway");
        }
    }

    private void answer(RoutingContext rc, int code, String status, String message) {
        HttpServerResponse res = rc.response();
        if (res.ended() || res.headWritten()) {
            return;
        }
        String path = rc.request().path();
        String body = isOpenAi(path) ? openAiBody(code, message) : GoogleErrors.body(code, status, message);
        res.setStatusCode(code).putHeader("content-type", "application/json; charset=UTF-8");
        if (code == 413) {
            // the rest of an oversized body is not read: close rather than drain it
            res.putHeader("connection", "close");
        }
        res.end(body);
        logAnswer(rc, code);
    }

    /** A request no route took still gets its log row, written off the event loop like every other. */
    private void logAnswer(RoutingContext rc, int code) {
        if (logWriter == null) {
            return;
        }
        try {
            Exchange exchange = new DefaultExchange(context);
            RequestLogStamp.stampEdge(exchange, rc.request().method().name(), rc.request().path());
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, code);
            if (code == 404) {
                // a path no route serves is a scanner's noise, sampled in the log like other unauthenticated requests
                exchange.setProperty(TokenVerifier.REFUSED,
                        new TokenVerifier.Refusal(ClientAddress.of(rc.request()), TokenVerifier.Refusal.UNKNOWN_PATH));
            }
            logWriter.asyncSend(REQUEST_LOG, exchange);
        } catch (RuntimeException e) {
            // the answer went out; a log row must never fail it
        }
    }

    static boolean isOpenAi(String path) {
        return path != null && (path.startsWith("/v1/") || path.startsWith("/hf/") || path.startsWith("/openai/"));
    }

    private static String openAiBody(int code, String message) {
        return dev.caravan.dialect.openai.OpenAiErrorBody.json(code, message);
    }
}
