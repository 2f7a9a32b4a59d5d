import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.EventLoopPlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * bench/floor.sh's gateways without a gateway's work: the least any proxy built on these frameworks allocates per
 * request, measured by the same recording as Caravan (issue 16's allocation target). Each serves POST
 * /v1beta/models/{op} by sending the body to the upstream's same path on a pooled, kept-alive Vert.x HttpClient and
 * answering with the upstream's status, content type and body; no token, key, log row, metric or JSON. Run as a
 * single-file program on Caravan's jar (its frameworks, at Caravan's versions):
 *
 * <pre>java -cp target/caravan.jar bench/floor/FloorProxy.java MODE PORT UPSTREAM_PORT</pre>
 *
 * MODE: {@code vertx} (a Vert.x HttpServer, nothing else), {@code camel} (camel-main, the YAML route
 * bench/floor/floor.camel.yaml on platform-http, run from the event loop as Caravan's data plane is:
 * EventLoopPlatformHttpConsumer), {@code camel-worker} (the same route on platform-http's stock worker-thread
 * consumer), {@code camel-cached} ({@code camel} with Camel's stream caching on, its default). Camel's JMX and (but
 * for camel-cached) stream caching are off, as in Caravan's application.properties.
 */
public final class FloorProxy {

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        int upstream = Integer.parseInt(args[2]);
        Vertx vertx = Vertx.vertx();
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
                .setDefaultPort(upstream).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(512));
        switch (mode) {
            case "vertx" -> vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1"))
                    .requestHandler(request -> serve(client, request))
                    .listen().toCompletionStage().toCompletableFuture().join();
            case "camel" -> camel(vertx, client, port, "eventLoopHttpEngine", false);
            case "camel-worker" -> camel(vertx, client, port, "workerHttpEngine", false);
            case "camel-cached" -> camel(vertx, client, port, "eventLoopHttpEngine", true);
            default -> throw new IllegalArgumentException(
                    "MODE: vertx, camel, camel-worker or camel-cached, not " + mode);
        }
    }

    /** The whole Vert.x proxy: body in, one upstream call, its answer out. */
    private static void serve(HttpClient client, HttpServerRequest request) {
        request.body()
                .compose(body -> call(client, request.path(), body))
                .onSuccess(answer -> request.response().setStatusCode(answer.statusCode())
                        .putHeader("content-type", answer.getHeader("content-type"))
                        .end(answer.body().result()))
                .onFailure(e -> request.response().setStatusCode(502).end());
    }

    /** POSTs the body to the upstream's path; completes once the answer's body is in (answer.body() holds it). */
    private static io.vertx.core.Future<HttpClientResponse> call(HttpClient client, String path, Buffer body) {
        return client.request(HttpMethod.POST, path)
                .compose(req -> req.putHeader("content-type", "application/json").send(body))
                .compose(answer -> answer.body().map(ignored -> answer));
    }

    private static void camel(Vertx vertx, HttpClient client, int port, String engine, boolean streamCaching)
            throws Exception {
        Main main = new Main();
        main.addInitialProperty("camel.main.name", "floor");
        main.addInitialProperty("camel.main.jmx-enabled", "false");
        // the body is a Vert.x buffer in memory already (Caravan turns stream caching off for the same reason);
        // camel-cached leaves Camel's default on, to show what that costs
        main.addInitialProperty("camel.main.stream-caching-enabled", Boolean.toString(streamCaching));
        main.addInitialProperty("camel.main.routes-include-pattern", "file:bench/floor/floor.camel.yaml");
        main.addInitialProperty("camel.server.enabled", "true");
        main.addInitialProperty("camel.server.host", "127.0.0.1");
        main.addInitialProperty("camel.server.port", Integer.toString(port));
        main.addInitialProperty("floor.engine", engine);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport support) {
                var context = support.getCamelContext();
                VertxPlatformHttpEngine worker = new VertxPlatformHttpEngine();
                worker.setCamelContext(context);
                var eventLoop = new EventLoopPlatformHttpConsumer.Engine();
                eventLoop.setCamelContext(context);
                context.getRegistry().bind("vertx", vertx);
                context.getRegistry().bind("workerHttpEngine", worker);
                context.getRegistry().bind("eventLoopHttpEngine", eventLoop);
                context.getRegistry().bind("floorCall", new FloorCall(client));
            }
        });
        main.run();
    }

    /** The route's one step: the exchange's body to the upstream, the answer back into the message. */
    public static final class FloorCall extends AsyncProcessorSupport {
        private final HttpClient client;

        FloorCall(HttpClient client) {
            this.client = client;
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            Message message = exchange.getMessage();
            Object in = message.getBody();
            Buffer body = in instanceof Buffer buffer ? buffer : Buffer.buffer(message.getBody(byte[].class));
            String path = message.getHeader(Exchange.HTTP_PATH, String.class);
            call(client, path, body).onComplete(done -> {
                if (done.succeeded()) {
                    HttpClientResponse answer = done.result();
                    // the client's request headers are not the answer's
                    message.getHeaders().clear();
                    message.setHeader(Exchange.HTTP_RESPONSE_CODE, answer.statusCode());
                    message.setHeader(Exchange.CONTENT_TYPE, answer.getHeader("content-type"));
                    message.setBody(answer.body().result());
                } else {
                    exchange.setException(done.cause());
                }
                callback.done(false);
            });
            return false;
        }
    }
}
