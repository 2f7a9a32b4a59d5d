package dev.caravan.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Predicate;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * How much of a request body the main port reads, decided from the request's head before a byte of the body is
 * buffered. MAX_BODY_SIZE exists for generateContent calls with large inline images; a client that has not shown a
 * valid credential gets none of it:
 * <ul>
 *   <li>the API ({@code /v1beta/}, {@code /v1/}, {@code /openai/}): with a valid client token in its headers or
 *       query, up to MAX_BODY_SIZE; without one, the body is not read at all: the route answers 401 from the head
 *       alone (through the same token check, throttle and log row as any 401) and the connection is closed;</li>
 *   <li>the admin login: {@value #LOGIN_MAX_BODY_BYTES} bytes, far more than {@code {"token": "..."}} needs;</li>
 *   <li>the rest of the admin API: up to MAX_BODY_SIZE with the admin token or a session, otherwise not read;</li>
 *   <li>any other path (the operators' own routes): up to MAX_BODY_SIZE, as before.</li>
 * </ul>
 * It takes the place of platform-http's body handler on every route. Thread-safe.
 */
public final class BodyLimits implements Handler<RoutingContext> {

    /** The admin login's whole body is one token in JSON. */
    public static final int LOGIN_MAX_BODY_BYTES = 16 * 1024;
    static final String LOGIN_PATH = "/admin/api/login";

    /** The body handler with MAX_BODY_SIZE, and that limit (PlainBody reads plain bodies within it). */
    private final BodyHandler full;
    private final long fullLimit;
    private final BodyHandler login;
    private final Predicate<String> clientToken;
    private final Function<HttpServerRequest, CompletionStage<Boolean>> admin;

    /**
     * @param bodyHandler platform-http's body handler with a given limit (Camel's settings for uploads and forms)
     * @param maxBody     MAX_BODY_SIZE
     * @param clientToken whether a token is an allowed client token (as the routes' token check decides)
     * @param admin       whether a request carries the admin token or an admin session (answered later when the
     *                    session must be asked of the replicas' shared store; the request stays paused meanwhile)
     */
    public BodyLimits(LongFunction<BodyHandler> bodyHandler, long maxBody, Predicate<String> clientToken,
                      Function<HttpServerRequest, CompletionStage<Boolean>> admin) {
        this.full = bodyHandler.apply(maxBody);
        this.fullLimit = maxBody;
        this.login = bodyHandler.apply(LOGIN_MAX_BODY_BYTES);
        this.clientToken = clientToken;
        this.admin = admin;
    }

    @Override
    public void handle(RoutingContext rc) {
        HttpServerRequest req = rc.request();
        String path = req.path() == null ? "" : req.path();
        if (!hasBody(req) || !guarded(path)) {
            read(full, fullLimit, rc);
        } else if (path.equals(LOGIN_PATH)) {
            read(login, LOGIN_MAX_BODY_BYTES, rc);
        } else if (path.startsWith("/admin")) {
            CompletableFuture<Boolean> allowed = admin.apply(req).toCompletableFuture();
            Context context = Vertx.currentContext();
            if (allowed.isDone() || context == null) {
                readIf(allowed.handle((ok, failed) -> Boolean.TRUE.equals(ok)).join(), rc);
            } else {
                // the store answers on its own thread: the decision goes back to the request's event loop, and no
                // byte of the body may be delivered (and lost) before a body handler listens
                req.pause();
                allowed.whenComplete((ok, failed) -> context.runOnContext(v -> readIf(Boolean.TRUE.equals(ok), rc)));
            }
        } else {
            readIf(clientToken.test(presentedToken(req)), rc);
        }
    }

    private void readIf(boolean allowed, RoutingContext rc) {
        if (allowed) {
            read(full, fullLimit, rc);
        } else {
            leaveUnread(rc);
        }
    }

    /** A plain body of announced length is read without a copy (PlainBody); forms, uploads and the rest by handler. */
    private static void read(BodyHandler handler, long limit, RoutingContext rc) {
        if (PlainBody.read(rc, limit)) {
            return;
        }
        // the router paused the request so that no byte is lost before a body handler listens
        rc.request().resume();
        handler.handle(rc);
    }

    /**
     * The route runs with no body and answers from the head; the body's bytes are never buffered, and the connection
     * ends with the answer once the client has sent them (LingeringClose: thrown away as they come).
     */
    private static void leaveUnread(RoutingContext rc) {
        rc.addHeadersEndHandler(v -> rc.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE));
        rc.addEndHandler(done -> LingeringClose.close(rc.request()));
        rc.next();
    }

    /** Paths where every route needs a credential: the API surfaces and the admin page with its API. */
    static boolean guarded(String path) {
        return path.startsWith("/v1beta/") || path.startsWith("/v1/") || path.startsWith("/openai/")
                || path.equals("/admin") || path.startsWith("/admin/");
    }

    private static boolean hasBody(HttpServerRequest req) {
        String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            return !length.trim().equals("0");
        }
        return req.headers().contains(HttpHeaders.TRANSFER_ENCODING);
    }

    /**
     * The client token from every place the routes' token check reads it ({@code x-goog-api-key},
     * {@code Authorization: Bearer}, {@code ?key=}); when it reads fewer, a request this lets through is still
     * refused there, only after its body was read.
     */
    static String presentedToken(HttpServerRequest req) {
        String t = req.getHeader("x-goog-api-key");
        if (t != null && !t.isBlank()) {
            return t;
        }
        String auth = req.getHeader(HttpHeaders.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && !auth.substring(7).isBlank()) {
            return auth.substring(7).trim();
        }
        return req.getParam("key");
    }
}
