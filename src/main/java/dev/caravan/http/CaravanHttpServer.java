package dev.caravan.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main port's HTTP server, in place of Camel's embedded one (camel.server.enabled = false), so that it can do
 * what that one cannot be told to:
 * <ul>
 *   <li>it binds its router, where platform-http routes add themselves, as soon as Caravan is configured, but
 *       listens only when {@link #open} is called, once every route has started: a client never meets a port
 *       without its routes;</li>
 *   <li>at shutdown ({@link #drain}) it answers new requests 503, lets those in flight finish within a bound, and
 *       closes before the routes are stopped;</li>
 *   <li>each connection is watched for slow heads, stalled bodies and idleness ({@link ConnectionWatch}), requests
 *       with an ambiguous length are refused ({@link StrictFramingDecoder}, {@link ServingGate}), and bodies are
 *       read only as far as the caller's credentials allow ({@link BodyLimits}).</li>
 * </ul>
 * It speaks HTTP/1.1 (and 1.0); the h2c upgrade is not offered. Start and stop are Camel's (a service of the
 * context); {@link #open} and {@link #drain} are called once each.
 */
public final class CaravanHttpServer extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(CaravanHttpServer.class);

    /** What the server is told at creation. */
    public record Options(int port, Duration headerTimeout, Duration readTimeout, Duration idleTimeout) {
    }

    private final Vertx vertx;
    private final Options options;
    private final EdgeAnswers answers;
    private final InFlightRequests inFlight = new InFlightRequests();
    private final ServingGate gate;
    private final Router root;
    private final VertxPlatformHttpRouter router;
    private final HttpServerOptions serverOptions;
    private volatile HttpServer server;

    /**
     * Creates the server and binds its router and configuration in the registry, where platform-http looks for them
     * (the configuration is how it learns the port before anything listens).
     *
     * @param bodies the body handler every platform-http route uses
     */
    public CaravanHttpServer(CamelContext context, Vertx vertx, Options options, EdgeAnswers answers,
                             Handler<RoutingContext> bodies) {
        this.vertx = vertx;
        this.options = options;
        this.answers = answers;
        this.gate = new ServingGate(answers);
        // no WebSocket endpoint exists here: without the compression extensions Vert.x leaves their handler out of
        // every connection's pipeline, where each request passed through it for nothing
        this.serverOptions = new HttpServerOptions().setHttp2ClearTextEnabled(false)
                .setPerFrameWebSocketCompressionSupported(false)
                .setPerMessageWebSocketCompressionSupported(false);
        // one router, the gate first: a sub-router would make every route's path test build its mount point and
        // path strings again for each request (vertx-web's RouteState), 9 KB a request on the gateway's ~40 routes
        Router routes = Router.router(vertx);
        routes.route().order(Integer.MIN_VALUE).handler(gate);
        this.root = routes;
        String name = VertxPlatformHttpRouter.getRouterNameFromPort(options.port());
        this.router = new VertxPlatformHttpRouter(null, vertx, routes, name, VertxPlatformHttpRouter.SERVER_TYPE_SERVER) {
            @Override
            public Handler<RoutingContext> bodyHandler() {
                return bodies;
            }
        };
        VertxPlatformHttpServerConfiguration configuration = new VertxPlatformHttpServerConfiguration();
        configuration.setBindPort(options.port());
        context.getRegistry().bind(name, router);
        context.getRegistry().bind("caravanHttpServerConfiguration", configuration);
    }

    /** The router platform-http's routes are on (HttpEdge adds the aliases and the answers for what none takes). */
    public VertxPlatformHttpRouter router() {
        return router;
    }

    /** The requests whose answer is not written yet. */
    public InFlightRequests inFlight() {
        return inFlight;
    }

    /**
     * Starts listening on every interface.
     *
     * @return the port bound
     * @throws IllegalStateException when the port cannot be bound
     */
    public int open() {
        HttpServer s = vertx.createHttpServer(serverOptions)
                .connectionHandler(this::watch)
                .invalidRequestHandler(this::invalid)
                .requestHandler(root);
        try {
            s.listen(options.port()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            s.close();
            throw new IllegalStateException("Cannot listen on port " + options.port() + ": " + cause.getMessage(), cause);
        }
        server = s;
        return s.actualPort();
    }

    /** Seconds a client is told to wait while Caravan stops (Retry-After): about what a restart takes. */
    public static final int STOPPING_RETRY_AFTER_SECONDS = 5;

    /** How long the answers of the calls ended at a stop may take to go out before the port closes. */
    static final Duration CUT_GRACE = Duration.ofSeconds(2);

    /**
     * Stops serving: new requests are answered 503 with Retry-After; the requests in flight get {@code bound} to
     * finish. Those that outlast it and still wait on Google are ended by {@code cutCalls} with an answer that says
     * so (a 503, or a stream's error event), which gets {@link #CUT_GRACE} to go out with its request-log row; then the
     * port closes, cutting what is left. Called when Caravan begins to stop, before its routes do.
     *
     * @param cutCalls ends the calls to Google under way and says how many it ended
     */
    public void drain(Duration bound, java.util.function.IntSupplier cutCalls) {
        HttpServer s = server;
        if (s == null) {
            return;
        }
        gate.stopServing();
        long started = System.nanoTime();
        if (awaitInFlight(bound)) {
            LOG.info("Stopped serving: every request in flight finished ({} ms)", (System.nanoTime() - started) / 1_000_000);
        } else {
            int left = inFlight.count();
            int cut = cutCalls.getAsInt();
            boolean answered = cut > 0 && awaitInFlight(CUT_GRACE);
            LOG.warn("Stopped serving: {} request(s) still in flight after {} s; {} call(s) to Google ended with an answer"
                            + " that says Caravan is stopping{}", left, bound.toSeconds(), cut,
                    answered ? "" : "; " + inFlight.count() + " request(s) left are cut");
        }
        closeListener();
    }

    private boolean awaitInFlight(Duration bound) {
        try {
            return inFlight.awaitNone(bound);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    protected void doStop() {
        closeListener();
    }

    private void closeListener() {
        HttpServer s = server;
        server = null;
        if (s != null) {
            try {
                s.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("The HTTP server did not close cleanly: {}", e.getMessage());
            }
        }
    }

    /** Each new connection: a stricter decoder and the deadlines (on its event loop, before it reads). */
    private void watch(HttpConnection connection) {
        if (connection instanceof ConnectionBase base) {
            var pipeline = base.channel().pipeline();
            if (pipeline.get("httpDecoder") != null && pipeline.get("handler") != null) {
                pipeline.replace("httpDecoder", "httpDecoder", new StrictFramingDecoder(serverOptions));
                new ConnectionWatch(options.headerTimeout().toNanos(), options.readTimeout().toNanos(),
                        options.idleTimeout().toNanos(), inFlight).install(pipeline, "httpDecoder", "handler");
                return;
            }
        }
        // not the pipeline this was written for (a Vert.x upgrade changed it): refuse rather than serve unguarded
        LOG.error("Closing a connection whose HTTP pipeline is not Vert.x 4's HTTP/1.1 one");
        connection.close();
    }

    /** A request Vert.x could not decode: the status its problem calls for, in the caller's dialect, then close. */
    private void invalid(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        if (cause instanceof TooLongHttpLineException) {
            answers.answer(request, 414, "INVALID_ARGUMENT", "Request line too long", true);
        } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            answers.answer(request, 431, "INVALID_ARGUMENT", "Request headers too large", true);
        } else if (cause instanceof StrictFramingDecoder.AmbiguousFraming) {
            answers.answer(request, 400, "INVALID_ARGUMENT",
                    "Ambiguous request length: send Content-Length or Transfer-Encoding: chunked, not both", true);
        } else {
            answers.answer(request, 400, "INVALID_ARGUMENT", "Malformed request", true);
        }
    }
}
