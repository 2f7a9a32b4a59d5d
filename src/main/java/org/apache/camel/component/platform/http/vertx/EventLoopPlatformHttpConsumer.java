package org.apache.camel.component.platform.http.vertx;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.ParsableMIMEValue;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.util.CollectionHelper;

/**
 * A platform-http consumer that runs its route asynchronously from the Vert.x event loop, in place of the stock
 * consumer's {@code executeBlocking} hop that parks a worker thread until the exchange completes (DESIGN §6): the
 * exchange starts on the event loop that read the request, the route's asynchronous steps give the thread back, and
 * the response is written from the exchange's completion callback, on the request's own context. No thread waits
 * for a request, so in-flight requests and open streams are bounded by memory, not by a pool.
 *
 * <p>The route must therefore not block: a step that does (JDBC, a blocking HTTP client, a latch) belongs behind an
 * explicit hop ({@code threads} in the route, or an asynchronous processor). An endpoint opts in by naming the
 * engine, {@code platformHttpEngine=#eventLoopHttpEngine} (see {@link Engine}); every other endpoint keeps the stock
 * worker shape. Everything else is the stock consumer's: the route on the router, the body handlers, headers (the
 * same ones, filled with less garbage: {@link #populateCamelMessage}), cookies, form fields and attachments, response
 * writing and failure handling. The {@code httpProxy} mode is not supported (refused at start).
 *
 * <p>It lives in Camel's package because the stock response writer ({@code VertxPlatformHttpSupport.writeResponse})
 * is package-private; it is written as a contribution to Camel (an endpoint option choosing this shape would be the
 * upstream form) and uses nothing of Caravan.
 */
public class EventLoopPlatformHttpConsumer extends VertxPlatformHttpConsumer {

    private final String routerName;
    /** The stock consumer's choice of body reader, which it keeps to itself (see {@link #populateCamelMessage}). */
    private HttpRequestBodyHandler bodyHandler;

    public EventLoopPlatformHttpConsumer(PlatformHttpEndpoint endpoint, Processor processor,
                                         List<Handler<RoutingContext>> handlers, String routerName) {
        super(endpoint, processor, handlers, routerName);
        this.routerName = routerName;
    }

    @Override
    protected void doInit() throws Exception {
        if (getEndpoint().isHttpProxy()) {
            throw new IllegalArgumentException("platform-http endpoint " + getEndpoint().getPath()
                    + ": the event-loop engine does not serve httpProxy endpoints; use the default engine");
        }
        super.doInit();
        // the same router and the same choice as the stock consumer's doInit (which has failed already if neither
        // router is there); the reader is stateless, so this second one reads exactly as the stock one would
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(getEndpoint().getCamelContext(), routerName);
        if (router == null) {
            router = VertxPlatformHttpRouter.lookup(getEndpoint().getCamelContext(),
                    VertxPlatformHttpRouter.PLATFORM_HTTP_ROUTER_NAME_ZERO);
        }
        if (getEndpoint().isUseStreaming()) {
            bodyHandler = new StreamingHttpRequestBodyHandler(router.bodyHandler());
        } else if (!getEndpoint().isUseBodyHandler()) {
            bodyHandler = new NoOpHttpRequestBodyHandler(router.bodyHandler());
        } else {
            bodyHandler = new DefaultHttpRequestBodyHandler(router.bodyHandler());
        }
    }

    /**
     * The stock consumer's message, made as it makes it, except for how the charset of the body is found: the stock
     * code asks Vert.x Web for all of the request's parsed content-negotiation headers (Accept, Accept-Charset,
     * Accept-Encoding, Accept-Language and Content-Type, each split, parsed and sorted into lists of new objects) to
     * read one parameter of one of them. Here only a Content-Type that has parameters is parsed, by the same parser;
     * API clients send {@code application/json} without any, which then costs nothing. The parsed headers stay
     * there for any handler that asks for them.
     */
    @Override
    protected io.vertx.core.Future<Void> processHttpRequest(Exchange exchange, RoutingContext ctx) {
        Message in = exchange.getIn();
        if (in instanceof HttpMessage hm) {
            hm.init(exchange, ctx.request(), ctx.response());
        } else {
            in = new HttpMessage(exchange, ctx.request(), ctx.response());
            exchange.setMessage(in);
        }
        String charset = charset(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
        if (charset != null) {
            exchange.setProperty(ExchangePropertyKey.CHARSET_NAME, charset);
            in.setHeader(Exchange.HTTP_CHARACTER_ENCODING, charset);
        }
        User user = ctx.user();
        if (user != null) {
            in.setHeader(VertxPlatformHttpConstants.AUTHENTICATED_USER, user);
        }
        if (getEndpoint().isUseCookieHandler()) {
            exchange.setProperty(Exchange.COOKIE_HANDLER, new VertxCookieHandler(ctx));
        }
        return populateCamelMessage(ctx, exchange, in);
    }

    /** The charset parameter of a Content-Type, as Vert.x Web's parsed headers give it; null when there is none. */
    static String charset(String contentType) {
        if (contentType == null || contentType.indexOf(';') < 0) {
            // no parameters, so no charset: the parser would say the same after making its objects
            return null;
        }
        return new ParsableMIMEValue(contentType).forceParse().parameter("charset");
    }

    /**
     * The stock consumer's message, headers in the same order and with the same values
     * ({@code VertxPlatformHttpSupport.populateCamelHeaders}), made with less garbage, since every data-plane request
     * pays for it (bench/alloc.sh): the request's headers are read in place, where the stock code first copies each
     * of them into a new list of new entries, and query parameters are decoded only when the request has a query,
     * where the stock code decodes an empty one into a new map for every request without. Nothing else differs.
     */
    @Override
    protected io.vertx.core.Future<Void> populateCamelMessage(RoutingContext ctx, Exchange exchange, Message message) {
        HeaderFilterStrategy filter = getEndpoint().getHeaderFilterStrategy();
        Map<String, Object> headers = message.getHeaders();
        HttpServerRequest request = ctx.request();
        String query = request.query();
        headers.put(Exchange.HTTP_PATH, ctx.normalizedPath());
        if (filter != null) {
            MultiMap requestHeaders = request.headers();
            String authorization = requestHeaders.get("authorization");
            // marks a request that came with HTTP Basic credentials, as the stock code does
            if (authorization != null && authorization.trim().startsWith("Basic")
                    && !filter.applyFilterToExternalHeaders(Exchange.AUTHENTICATION, "Basic", exchange)) {
                CollectionHelper.appendEntry(headers, Exchange.AUTHENTICATION, "Basic");
            }
            BiConsumer<String, String> add = (name, value) -> {
                if (!filter.applyFilterToExternalHeaders(name, value, exchange)) {
                    CollectionHelper.appendEntry(headers, name, value);
                }
            };
            requestHeaders.forEach(add);
            if (query != null) {
                ctx.queryParams().forEach(add);
            }
        }
        for (Map.Entry<String, String> param : ctx.pathParams().entrySet()) {
            CollectionHelper.appendEntry(headers, param.getKey(), param.getValue());
        }
        SocketAddress local = request.localAddress();
        if (local != null) {
            headers.put(VertxPlatformHttpConstants.LOCAL_ADDRESS, local);
        }
        SocketAddress remote = request.remoteAddress();
        if (remote != null) {
            headers.put(VertxPlatformHttpConstants.REMOTE_ADDRESS, remote);
        }
        headers.put(Exchange.HTTP_METHOD, request.method().toString());
        headers.put(Exchange.HTTP_URL, request.absoluteURI());
        headers.put(Exchange.HTTP_URI, request.uri());
        headers.put(Exchange.HTTP_QUERY, query);
        headers.put(Exchange.HTTP_RAW_QUERY, query);
        return bodyHandler.handle(ctx, message);
    }

    @Override
    protected void handleRequest(RoutingContext ctx) {
        if (isSuspended()) {
            ctx.response().setStatusCode(503);
            ctx.end();
            return;
        }
        // the request's own context (Vert.x Web hands each request a duplicate of its event loop's): the answer is
        // written there, whichever thread completes the exchange
        Context requestContext = ctx.vertx().getOrCreateContext();
        Exchange exchange = createExchange(false);
        // the answer is the message the route ends with (writeResponse reads getMessage()); under InOut Camel would
        // copy that message, headers and all, into a new OUT message at the end of every pipeline the exchange runs
        exchange.setPattern(ExchangePattern.InOnly);
        processHttpRequest(exchange, ctx).onComplete(read -> {
            if (read.failed()) {
                fail(exchange, ctx, read.cause());
                return;
            }
            if (getEndpoint().isUseBodyHandler()) {
                formFields(ctx, exchange.getIn(), getEndpoint().getHeaderFilterStrategy());
            }
            try {
                createUoW(exchange);
            } catch (Exception e) {
                fail(exchange, ctx, e);
                return;
            }
            try {
                getAsyncProcessor().process(exchange, doneSync -> {
                    if (Vertx.currentContext() == requestContext) {
                        respond(exchange, ctx);
                    } else {
                        requestContext.runOnContext(v -> respond(exchange, ctx));
                    }
                });
            } catch (Throwable e) {
                // an asynchronous processor reports failures on the exchange; one that throws anyway still gets an answer
                exchange.setException(e);
                respond(exchange, ctx);
            }
        });
    }

    /** Writes the exchange's answer, as the stock consumer does once its worker is done. */
    private void respond(Exchange exchange, RoutingContext ctx) {
        writeResponse(ctx, exchange, getEndpoint().getHeaderFilterStrategy(), getEndpoint().isMuteException())
                .onComplete(written -> {
                    if (written.succeeded()) {
                        complete(exchange);
                    } else {
                        fail(exchange, ctx, written.cause());
                    }
                });
    }

    private static io.vertx.core.Future<Void> writeResponse(RoutingContext ctx, Exchange exchange,
                                                            HeaderFilterStrategy filter, boolean muteExceptions) {
        try {
            // a whole answer held in a Vert.x buffer is written as it is, with a Content-Length: the stock writer
            // knows no buffer's length (it would send it chunked) and reaches a buffer only through a type
            // converter's lookup and a copy of its bytes
            if (exchange.getException() == null
                    && exchange.getMessage().getBody() instanceof io.vertx.core.buffer.Buffer) {
                Object body = VertxPlatformHttpSupport.toHttpResponse(ctx, exchange.getMessage(), filter,
                        muteExceptions);
                // Vert.x sets the Content-Length of an unchunked answer ended with its whole body
                ctx.response().setChunked(false);
                return ctx.end((io.vertx.core.buffer.Buffer) body);
            }
            return VertxPlatformHttpSupport.writeResponse(ctx, exchange, filter, muteExceptions);
        } catch (Exception e) {
            return io.vertx.core.Future.failedFuture(e);
        }
    }

    private void complete(Exchange exchange) {
        doneUoW(exchange);
        releaseExchange(exchange, false);
    }

    /** The stock consumer's failure path: reported, the routing context failed, the exchange completed. */
    private void fail(Exchange exchange, RoutingContext ctx, Throwable failure) {
        getExceptionHandler().handleException("Failed handling platform-http endpoint " + getEndpoint().getPath(), failure);
        ctx.fail(failure);
        if (getEndpoint().isHandleWriteResponseError() && failure != null) {
            Exception existing = exchange.getException();
            if (existing != null) {
                failure.addSuppressed(existing);
            }
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
            exchange.setException(failure);
        }
        complete(exchange);
    }

    /**
     * Form fields as headers (and as the body when the endpoint asks so), and uploaded files as attachments: what the
     * stock consumer does before it hands the exchange to its worker.
     */
    private void formFields(RoutingContext ctx, Message message, HeaderFilterStrategy filter) {
        boolean multipart = VertxPlatformHttpSupport.isMultiPartFormData(ctx);
        if (!multipart && !VertxPlatformHttpSupport.isFormUrlEncoded(ctx)) {
            return;
        }
        MultiMap form = ctx.request().formAttributes();
        Map<String, Object> body = new HashMap<>();
        for (String name : form.names()) {
            for (String value : form.getAll(name)) {
                if (filter != null && !filter.applyFilterToExternalHeaders(name, value, message.getExchange())) {
                    CollectionHelper.appendEntry(message.getHeaders(), name, value);
                    if (getEndpoint().isPopulateBodyWithForm()) {
                        CollectionHelper.appendEntry(body, name, value);
                    }
                }
            }
        }
        if (!body.isEmpty()) {
            message.setBody(body);
        }
        if (multipart) {
            populateAttachments(ctx.fileUploads(), message);
        }
    }

    /**
     * The platform-http engine whose consumers are {@link EventLoopPlatformHttpConsumer}s, for the endpoints that name
     * it ({@code platformHttpEngine=#name}); the server, router and port are the stock engine's.
     */
    public static class Engine extends VertxPlatformHttpEngine {
        /** Unlike the stock engine, it does not bind itself as the registry's default engine: endpoints name it. */
        @Override
        protected void doInit() {
        }

        @Override
        public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
            return new EventLoopPlatformHttpConsumer(endpoint, processor, getHandlers(),
                    VertxPlatformHttpRouter.getRouterNameFromPort(getServerPort()));
        }
    }
}
