package dev.caravan.upstream;

import java.net.URI;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import dev.caravan.keys.Evidence;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.Verdict;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.ProxyOptions;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.LoggerFactory;

/**
 * The one call to Google (DESIGN §6): an async step on the shared, pooled Vert.x HttpClient. Sends the body the
 * route prepared byte for byte with the picked key in {@code x-goog-api-key} and the route's own
 * {@code Caravan-Upstream-*} headers, nothing else of the client's, and puts
 * Google's answer in the request context. A stream is relayed to the client chunk by chunk with back-pressure;
 * the response head is written only when the first chunk arrives (or earlier by a {@link StreamHeartbeat}, which
 * carries no data), so that until then another key may still be tried. Each attempt keeps one watch from the moment
 * its request goes: the answer must start within the timeout, and no gap in it may be longer (a stream that falls
 * silent is ended; Vert.x's own idle timeout would stop watching at the answer's head, and cost a second timer).
 * A {@link PacedStreamShaper} (the stream optimizer) has its pieces written apart in time by a
 * {@link StreamPacer}, its end and error tail after the last of them. Connection errors, timeouts and
 * 5xx answers fail the exchange, which is what the circuit breaker counts. An attempt the HTTP client refuses before
 * anything is sent ends at once as {@link Verdict.Kind#NOT_SENT}: no strike, no retry, nothing counted by the breaker.
 *
 * <p>Thread-safe: it holds only immutable settings, the shared client and a thread-safe warning counter.
 */
public final class GeminiCall extends AsyncProcessorSupport {

    private final Vertx vertx;
    private final HttpClient client;
    /** Where calls go: BASE_URL and PROXIES, replaced whole when an operator saves new ones (one volatile read a call). */
    private volatile Target target;
    private final LongSupplier timeoutMillis;
    /** The calls under way, for a stop to end those that outlast it ({@link #withOpenCalls}); none: not tracked. */
    private volatile OpenCalls openCalls;
    /** What a client whose stream is cut at a stop reads last (the refused new requests' words, and why). */
    static final String CUT_MESSAGE = "Caravan is stopping: this answer was cut before Google finished it; retry in a few "
            + "seconds";
    private final OccasionalWarning notSent = new OccasionalWarning(LoggerFactory.getLogger(GeminiCall.class),
            "A call to Google could not be sent: its path or a header has a character HTTP forbids (does a route set "
                    + "Caravan-Upstream-* headers or a path it did not check?); answered 500, no key blamed",
            1, TimeUnit.MINUTES);

    /**
     * @param baseUrl       Google's base URL, e.g. {@code https://generativelanguage.googleapis.com/v1beta}
     * @param timeoutMillis the longest wait for the answer to start, and for streams between two chunks; read at
     *                      each call, so an operator's new TIME_OUT applies to the next request
     * @param proxies       PROXIES: each key's calls go through its own proxy (none configured: direct)
     */
    public GeminiCall(Vertx vertx, HttpClient client, URI baseUrl, LongSupplier timeoutMillis, UpstreamProxies proxies) {
        this.vertx = vertx;
        this.client = client;
        this.target = Target.of(baseUrl, proxies);
        this.timeoutMillis = timeoutMillis;
    }

    /** Tracks every call from its start to its end in {@code calls}, so that a stop can end those still under way. */
    public GeminiCall withOpenCalls(OpenCalls calls) {
        this.openCalls = calls;
        return this;
    }

    /** BASE_URL and PROXIES for the calls that start from now on (those under way finish where they went). */
    public void retarget(URI baseUrl, UpstreamProxies proxies) {
        this.target = Target.of(baseUrl, proxies);
    }

    /** Google's host, port and base path, and the proxies to reach it through. */
    private record Target(UpstreamPool.Base base, UpstreamProxies proxies) {
        static Target of(URI baseUrl, UpstreamProxies proxies) {
            return new Target(UpstreamPool.Base.of(baseUrl), proxies);
        }
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        RequestContext ctx = RequestContext.of(exchange);
        ctx.result(null);
        long timeoutMillis = this.timeoutMillis.getAsLong();
        Attempt attempt = new Attempt(exchange, callback, ctx, vertx, timeoutMillis, openCalls);
        String key = exchange.getMessage().getHeader(KeyRoundRobin.KEY_HEADER, String.class);
        client.request(options(ctx, key)).onComplete(ar -> {
            if (ar.failed()) {
                attempt.noAnswer(ar.cause());
                return;
            }
            HttpClientRequest request = ar.result();
            attempt.request = request;
            if (attempt.done.get()) {
                // ended while the connection was found (its client left, or Caravan is stopping): nothing to send
                request.reset();
                return;
            }
            Future<HttpClientResponse> sent;
            try {
                // Vert.x refuses a header value with a character HTTP forbids as it is added (caught below)
                headers(ctx, request, key);
                request.exceptionHandler(attempt::noAnswer);
                HttpServerResponse out = ctx.clientResponse();
                if (out != null) {
                    // a client that goes away takes its upstream call with it
                    out.closeHandler(v -> attempt.clientGone());
                }
                if (ctx.bodyStream() != null) {
                    sent = pipe(ctx, request, attempt, timeoutMillis);
                } else {
                    // the wait for the answer starts as the request goes; the same watch then covers its body
                    attempt.watchFromNow();
                    sent = ctx.body() == null ? request.send() : request.send(ctx.body());
                }
            } catch (RuntimeException refused) {
                // Vert.x refuses a URI with a character HTTP forbids when the request is sent, by throwing here, on
                // the event loop: unanswered, the attempt would hold its worker and its connection until the timeout
                notSent.happened();
                attempt.notSent(refused, false);
                // after the attempt ended: the reset gives the connection back, and its own error finds it ended
                request.reset();
                return;
            }
            sent.onComplete(rr -> {
                if (rr.failed()) {
                    attempt.noAnswer(rr.cause());
                } else if (ctx.stream() && rr.result().statusCode() == 200) {
                    attempt.relay(rr.result());
                } else {
                    attempt.whole(rr.result());
                }
            });
        });
        return false;
    }

    /**
     * Pipes the client's body into the request with back-pressure: nothing of it is held beyond Vert.x's buffers, so
     * a 2 GB upload costs no more memory than a small one. The wait for Google's answer (TIME_OUT) starts when the
     * last byte is sent, so a long upload is not cut for taking longer than that. A client that fails mid-body
     * resets the call rather than sending Google a short body as if it were whole.
     */
    private static Future<HttpClientResponse> pipe(RequestContext ctx, HttpClientRequest request, Attempt attempt,
                                                   long timeoutMillis) {
        if (ctx.bodyStreamLength() >= 0) {
            request.putHeader("content-length", Long.toString(ctx.bodyStreamLength()));
        } else {
            request.setChunked(true);
        }
        if (ctx.clientResponse() != null && "100-continue".equalsIgnoreCase(ctx.bodyStream() instanceof
                io.vertx.core.http.HttpServerRequest in ? in.getHeader("expect") : null)) {
            // the client waits for this before it sends the body (curl does for large ones)
            ctx.clientResponse().writeContinue();
        }
        ctx.bodyStream().pipe().endOnFailure(false).to(request).onComplete(done -> {
            if (done.succeeded()) {
                if (timeoutMillis > 0) {
                    request.idleTimeout(timeoutMillis);
                }
            } else {
                attempt.noAnswer(done.cause());
                request.reset();
            }
        });
        return request.response();
    }

    /**
     * Where to send the attempt: the path and query, through the key's proxy. The headers go on the request itself
     * ({@link #headers}): options' own headers would be copied into the request's, a second map for every call.
     */
    private RequestOptions options(RequestContext ctx, String key) {
        Target t = target;
        // a pool with a base of its own (Vertex) goes there; every other call to BASE_URL in force now
        UpstreamPool.Base b = ctx.upstreamPool() == null || ctx.upstreamPool().base() == null ? t.base() : ctx.upstreamPool().base();
        String uri = (ctx.uploadBase() ? b.uploadPath() : b.path()) + ctx.upstreamPath()
                + (ctx.query() == null ? "" : "?" + ctx.query());
        RequestOptions options = new RequestOptions()
                .setMethod(ctx.method())
                .setHost(b.host())
                .setPort(b.port())
                .setServer(b.server())
                .setSsl(b.ssl())
                // no idle timeout of Vert.x's: the attempt's own watch times the answer (Attempt.watchFromNow), and a
                // piped body's clock starts once it is sent (pipe)
                .setURI(uri);
        ProxyOptions proxy = t.proxies().forKey(key);
        if (proxy != null) {
            options.setProxyOptions(proxy);
        }
        return options;
    }

    /** What to send with the attempt: the key, the body's type and a route's own headers. */
    private static void headers(RequestContext ctx, HttpClientRequest request, String key) {
        if (ctx.bearerKey()) {
            request.putHeader("authorization", "Bearer " + key);
        } else {
            request.putHeader(KeyRoundRobin.KEY_HEADER, key);
        }
        if (ctx.body() != null) {
            request.putHeader("content-type", "application/json");
        } else if (ctx.bodyStream() != null && ctx.bodyStreamType() != null) {
            request.putHeader("content-type", ctx.bodyStreamType());
        }
        java.util.List<String> forwarded = ctx.forwarded();
        for (int i = 0; i < forwarded.size(); i += 2) {
            // a route's Caravan-Upstream-* headers, checked by UpstreamRequest
            request.headers().add(forwarded.get(i), forwarded.get(i + 1));
        }
    }

    /** One attempt's state; completes the exchange exactly once, whichever of its events comes first. */
    private static final class Attempt implements OpenCalls.Cuttable {
        private final Exchange exchange;
        private final AsyncCallback callback;
        private final RequestContext ctx;
        private final Vertx vertx;
        private final long timeoutMillis;
        private final AtomicBoolean done = new AtomicBoolean();
        private volatile HttpClientRequest request;
        /** Google's answer once its head arrived (a relay may hold it back: paused). */
        private volatile HttpClientResponse response;
        private volatile boolean committed;
        /** When the stream last delivered a chunk (System.nanoTime), for the idle watch. */
        private volatile long lastChunkNanos;
        /** A whole answer's body as it arrives (event-loop only). */
        private Buffer wholeBody;
        /** True while the relay holds Google back for a slow client: silence then is not Google's. */
        private volatile boolean paused;
        /** Google's stream waits for bytes the shaper has not made yet ({@link StreamShaper#later}). */
        private volatile boolean waiting;
        /** The pending idle watch, cancelled when the attempt ends so it holds nothing for TIME_OUT. */
        private volatile ScheduledFuture<?> watch;
        /** A paced stream's writer (the stream optimizer), else null: output is written as it is shaped. */
        private volatile StreamPacer pacer;
        /** Whether Google's stream brought anything but blank space yet (event-loop only). */
        private boolean streamHadData;
        /** Where the call is tracked until it ends (null: nowhere). */
        private final OpenCalls open;
        /** The Vert.x context the attempt started on (null when it started on another thread), where a cut runs. */
        private final io.vertx.core.Context home;

        Attempt(Exchange exchange, AsyncCallback callback, RequestContext ctx, Vertx vertx, long timeoutMillis,
                OpenCalls open) {
            this.exchange = exchange;
            this.callback = callback;
            this.ctx = ctx;
            this.vertx = vertx;
            this.timeoutMillis = timeoutMillis;
            this.open = open;
            this.home = Vertx.currentContext();
            if (open != null) {
                open.opened(this);
            }
        }

        /**
         * Caravan is stopping and this call outlasted SHUTDOWN_TIMEOUT_SECONDS: Google is stopped, and the client
         * gets an answer it can tell from a whole one. A stream whose bytes already went out ends with an error event
         * in its dialect (pieces the stream optimizer still held are dropped); any other call is answered 503 with
         * Retry-After by the route, as the requests refused while stopping are. No key is blamed, nothing is tried
         * again, and the circuit breaker counts nothing. Runs on the attempt's own context.
         */
        @Override
        public void cut() {
            io.vertx.core.Context c = home != null ? home : vertx.getOrCreateContext();
            c.runOnContext(v -> cutNow());
        }

        private void cutNow() {
            if (!claim()) {
                return;
            }
            HttpClientRequest r = request;
            StreamPacer paced = pacer;
            if (paced != null) {
                paced.abort();
            }
            stopGoogle(r);
            ctx.verdict(new Verdict(Verdict.Kind.CUT_AT_SHUTDOWN, 0,
                    new Evidence(0, "CUT_AT_SHUTDOWN", null, System.currentTimeMillis())));
            HttpServerResponse out = ctx.clientResponse();
            if (committed) {
                if (out != null && !out.ended() && !out.closed()) {
                    try {
                        out.end(ctx.shaper().error(503, "UNAVAILABLE", CUT_MESSAGE));
                    } catch (IllegalStateException closedMeanwhile) {
                        // the client left as the stop came: nothing more to tell
                    }
                }
                ctx.result(UpstreamResult.broken(null, "cut at shutdown"));
            } else {
                ctx.result(UpstreamResult.noAnswer("cut at shutdown"));
            }
            callback.done(false);
        }

        /**
         * Starts the attempt's one watch as its request is sent: Google's answer must begin within
         * {@code timeoutMillis}, and then no gap between its chunks may be longer (one timer for the whole attempt,
         * where Vert.x's idle timeout would take a second one that stops at the answer's head).
         */
        void watchFromNow() {
            lastChunkNanos = System.nanoTime();
            if (timeoutMillis > 0) {
                watchIdle(timeoutMillis);
            }
        }

        /** Starts the watch at the answer's head when none runs yet (a piped upload's request is timed by Vert.x). */
        private void watchAnswer() {
            lastChunkNanos = System.nanoTime();
            if (timeoutMillis > 0 && watch == null) {
                watchIdle(timeoutMillis);
            }
        }

        /**
         * Ends the attempt when Google sends nothing for {@code timeoutMillis}: one timer per period, re-armed for
         * the rest of the period when a chunk came meanwhile, so chunks themselves cost no timer work. The timer is
         * the event loop's own, run on the caller's context as {@code vertx.setTimer} would run it, without the
         * bookkeeping that makes a Vert.x timer cancellable by a number (a map entry and boxed ids: 232 bytes a
         * timer where this takes 64, measured; every call sets one).
         */
        private void watchIdle(long delayMillis) {
            ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
            watch = context.nettyEventLoop().schedule(() -> context.emit(null, v -> watchExpired()),
                    Math.max(1, delayMillis), TimeUnit.MILLISECONDS);
        }

        private void watchExpired() {
            if (done.get()) {
                return;
            }
            long idleMillis = paused || waiting ? 0 : (System.nanoTime() - lastChunkNanos) / 1_000_000;
            if (idleMillis < timeoutMillis) {
                watchIdle(timeoutMillis - idleMillis);
                return;
            }
            // the error tail first, so the client reads a timeout rather than the reset it causes
            noAnswer(new TimeoutException("no data from Google for " + idleMillis + " ms"));
            HttpClientRequest r = request;
            if (r != null) {
                r.reset();
            }
        }

        void whole(HttpClientResponse response) {
            this.response = response;
            String contentType = response.getHeader("content-type");
            int status = response.statusCode();
            // only the upload endpoints answer with the upload protocol's headers; looking for them in every answer
            // would turn each header name of it into a string
            ctx.answerHeaders(ctx.uploadBase() ? uploadHeaders(response) : java.util.List.of());
            // a body that stalls is cut by the same watch as the wait for the head
            watchAnswer();
            response.handler(chunk -> {
                lastChunkNanos = System.nanoTime();
                // Vert.x hands every chunk as a buffer of its own: an answer of one chunk (most) is kept as it came,
                // later chunks are appended to it, and no other buffer is made
                if (wholeBody == null) {
                    wholeBody = chunk;
                } else {
                    wholeBody.appendBuffer(chunk);
                }
            });
            response.exceptionHandler(this::noAnswer);
            response.endHandler(v -> finish(UpstreamResult.answer(status, contentType,
                            wholeBody == null ? Buffer.buffer() : wholeBody),
                    status >= 500 ? "Google answered " + status : null));
        }

        void relay(HttpClientResponse response) {
            this.response = response;
            HttpServerResponse out = ctx.clientResponse();
            StreamShaper shaper = ctx.shaper();
            String contentType = shaper.contentType(response.getHeader("content-type"));
            watchAnswer();
            StreamPacer paced = shaper instanceof PacedStreamShaper ? pacer(response) : null;
            response.handler(chunk -> {
                if (done.get()) {
                    return;
                }
                lastChunkNanos = System.nanoTime();
                if (!streamHadData) {
                    streamHadData = hasData(chunk);
                }
                ctx.keepStreamChunk(chunk);
                if (paced != null) {
                    pace((PacedStreamShaper) shaper, paced, chunk, out, contentType);
                    return;
                }
                Buffer shaped;
                try {
                    shaped = shaper.chunk(chunk);
                } catch (RuntimeException e) {
                    // a translation bug must end this stream visibly, never park the request
                    noAnswer(new IllegalStateException("the stream could not be translated"));
                    return;
                }
                io.vertx.core.Future<Buffer> later = shaper.later();
                if (shaped.length() == 0 && later == null) {
                    return;
                }
                commit(out, contentType);
                if (shaped.length() > 0) {
                    out.write(shaped);
                }
                if (later != null) {
                    // Google's next chunks wait until these bytes are written: the client reads them in order
                    waiting = true;
                    response.pause();
                    later.onComplete(ready -> {
                        lastChunkNanos = System.nanoTime();
                        waiting = false;
                        if (done.get()) {
                            return;
                        }
                        if (ready.failed()) {
                            noAnswer(new IllegalStateException("the stream could not be translated"));
                            return;
                        }
                        out.write(ready.result());
                        if (out.writeQueueFull()) {
                            pauseUntilDrained(response, out);
                        } else {
                            response.resume();
                        }
                    });
                    return;
                }
                if (out.writeQueueFull()) {
                    pauseUntilDrained(response, out);
                }
            });
            response.exceptionHandler(this::noAnswer);
            response.endHandler(v -> {
                if (!streamHadData && !committed) {
                    // Google never streams an empty answer: a stream that ends before its first event failed, and
                    // since nothing of it reached the client, another key may still answer (translated, it would
                    // have become an empty answer that looks complete)
                    noAnswer(new UpstreamUnavailableException("Google's stream ended before its first event"));
                    return;
                }
                Buffer tail;
                io.vertx.core.Future<Buffer> later;
                try {
                    tail = shaper.end();
                    later = shaper.later();
                } catch (RuntimeException e) {
                    noAnswer(new IllegalStateException("the stream could not be translated"));
                    return;
                }
                if (paced != null) {
                    if (claim()) {
                        commit(out, contentType);
                        String failed = shaper.failure();
                        // the end goes after the last paced piece; the outcome is known once it went out
                        paced.end(tail, delivered -> {
                            if (!delivered) {
                                ctx.result(UpstreamResult.clientGone());
                            } else if (failed != null) {
                                ctx.result(UpstreamResult.broken(contentType, failed));
                                exchange.setException(new UpstreamUnavailableException(failed));
                            } else {
                                ctx.result(UpstreamResult.relayed(contentType));
                            }
                            callback.done(false);
                        });
                    }
                    return;
                }
                if (later != null) {
                    commit(out, contentType);
                    if (tail.length() > 0) {
                        out.write(tail);
                    }
                    waiting = true;
                    later.onComplete(ready -> {
                        waiting = false;
                        if (ready.failed()) {
                            noAnswer(new IllegalStateException("the stream could not be translated"));
                            return;
                        }
                        endRelay(out, contentType, shaper, ready.result());
                    });
                    return;
                }
                endRelay(out, contentType, shaper, tail);
            });
        }

        /** Whether a chunk of Google's stream holds more than blank space (CR, LF, spaces, tabs). */
        private static boolean hasData(Buffer chunk) {
            for (int i = 0, n = chunk.length(); i < n; i++) {
                byte b = chunk.getByte(i);
                if (b != '\r' && b != '\n' && b != ' ' && b != '\t') {
                    return true;
                }
            }
            return false;
        }

        /** Google's stream waits until the client has taken what is queued for it. */
        private void pauseUntilDrained(HttpClientResponse response, HttpServerResponse out) {
            paused = true;
            response.pause();
            out.drainHandler(v -> {
                lastChunkNanos = System.nanoTime();
                paused = false;
                response.resume();
            });
        }

        /** Google ended its stream: the last bytes, and the outcome. */
        private void endRelay(HttpServerResponse out, String contentType, StreamShaper shaper, Buffer tail) {
            if (claim()) {
                commit(out, contentType);
                String failed = shaper.failure();
                if (failed != null) {
                    ctx.result(UpstreamResult.broken(contentType, failed));
                    exchange.setException(new UpstreamUnavailableException(failed));
                } else {
                    ctx.result(UpstreamResult.relayed(contentType));
                }
                out.end(tail);
                callback.done(false);
            }
        }

        /**
         * The stream optimizer's writer: Google is held back while pieces wait (the idle watch then does not count the
         * silence against Google) and let go once they went out.
         */
        private StreamPacer pacer(HttpClientResponse response) {
            StreamPacer p = new StreamPacer(vertx, ctx.clientResponse(), () -> {
                paused = true;
                response.pause();
            }, () -> {
                lastChunkNanos = System.nanoTime();
                paused = false;
                response.resume();
            });
            pacer = p;
            return p;
        }

        /** One chunk of a paced stream: shaped into pieces, queued behind those still waiting. */
        private void pace(PacedStreamShaper shaper, StreamPacer paced, Buffer chunk, HttpServerResponse out,
                          String contentType) {
            java.util.List<PacedStreamShaper.Piece> pieces;
            try {
                pieces = shaper.pieces(chunk);
            } catch (RuntimeException e) {
                noAnswer(new IllegalStateException("the stream could not be translated"));
                return;
            }
            if (!pieces.isEmpty()) {
                commit(out, contentType);
                paced.write(pieces);
            }
        }

        /** Google's X-Goog-Upload-* answer headers (the Files API's upload protocol), name and value by turns. */
        private static java.util.List<String> uploadHeaders(HttpClientResponse response) {
            java.util.List<String> out = null;
            for (java.util.Map.Entry<String, String> h : response.headers()) {
                if (h.getKey().regionMatches(true, 0, "x-goog-upload-", 0, 14)) {
                    if (out == null) {
                        out = new java.util.ArrayList<>(8);
                    }
                    out.add(h.getKey());
                    out.add(h.getValue());
                }
            }
            return out == null ? java.util.List.of() : out;
        }

        /**
         * Marks the answer's first byte, once: from here on, no other key may be tried. Heartbeats stop for good
         * first (so none lands inside an event), and the head is written unless a heartbeat already sent it.
         */
        private void commit(HttpServerResponse out, String contentType) {
            if (!committed) {
                committed = true;
                StreamHeartbeat hb = ctx.heartbeat();
                if (hb != null) {
                    hb.stop();
                }
                if (!out.headWritten()) {
                    out.setStatusCode(200).setChunked(true);
                    if (contentType != null) {
                        out.putHeader("content-type", contentType);
                    }
                }
            }
        }

        void noAnswer(Throwable cause) {
            boolean timeout = cause instanceof TimeoutException;
            String why = timeout ? "Google did not answer in time"
                    : cause instanceof UpstreamUnavailableException ? cause.getMessage()
                    : "connection to Google failed: " + cause.getMessage();
            if (committed) {
                // bytes already reached the client: end the stream with an error it can see, never a silent restart
                if (claim()) {
                    HttpServerResponse out = ctx.clientResponse();
                    Buffer tail = ctx.shaper().error(timeout ? 504 : 502,
                            timeout ? "DEADLINE_EXCEEDED" : "UNAVAILABLE", "The upstream stream broke: " + why);
                    StreamPacer paced = pacer;
                    if (paced != null) {
                        // the error tail goes after the pieces already shaped, as the client would read them anyway
                        paced.end(tail, delivered -> {
                            ctx.result(UpstreamResult.broken(null, why));
                            exchange.setException(new UpstreamUnavailableException(why));
                            callback.done(false);
                        });
                        return;
                    }
                    out.end(tail);
                    ctx.result(UpstreamResult.broken(null, why));
                    exchange.setException(new UpstreamUnavailableException(why));
                    callback.done(false);
                }
                return;
            }
            finish(UpstreamResult.noAnswer(timeout ? "timeout" : why), why);
        }

        /**
         * The request could not be sent at all: nothing reached Google, so no key is blamed, no other key is tried
         * (it would be refused the same way) and the circuit breaker counts nothing. The refusal's message is not
         * logged: Vert.x quotes the refused URI or header value in it, which may hold a client's CR/LF or a key.
         */
        void notSent(RuntimeException refused, boolean sync) {
            if (claim()) {
                ctx.result(UpstreamResult.noAnswer("not sent: " + refused.getClass().getSimpleName()));
                ctx.verdict(new Verdict(Verdict.Kind.NOT_SENT, 0,
                        new Evidence(0, "NOT_SENT", null, System.currentTimeMillis())));
                callback.done(sync);
            }
        }

        void clientGone() {
            HttpClientRequest r = request;
            StreamPacer paced = pacer;
            if (paced != null) {
                // nothing more for a client that left; an end already under way is told so and completes the attempt
                paced.abort();
            }
            if (claim()) {
                stopGoogle(r);
                // mark the answer finished (the write fails quietly on the closed connection), or platform-http
                // tries to write a reply head after the stream's and logs an error for an ordinary disconnect
                HttpServerResponse out = ctx.clientResponse();
                if (out != null && !out.ended()) {
                    out.end();
                }
                ctx.result(UpstreamResult.clientGone());
                callback.done(false);
            }
        }

        /**
         * Stops what Google still sends for a client that left. A relay may hold Google's answer back (paused) after
         * all of it arrived; resetting the request then would close its connection, which the pool may already have
         * handed to the next call (Vert.x closes the connection of a reset request whose answer ended). So the held
         * answer is let go and dropped first, and the request reset only if more is still coming after that.
         */
        private void stopGoogle(HttpClientRequest r) {
            HttpClientResponse res = response;
            if (res == null) {
                if (r != null) {
                    r.reset();
                }
                return;
            }
            AtomicBoolean ended = new AtomicBoolean();
            res.handler(chunk -> { });
            res.exceptionHandler(e -> { });
            res.endHandler(v -> ended.set(true));
            res.resume();
            // what was held back is delivered before this timer (tasks queued earlier run first)
            vertx.setTimer(1, id -> {
                if (!ended.get() && r != null) {
                    r.reset();
                }
            });
        }

        /** Ends the attempt once: true for the one caller that may complete it. */
        private boolean claim() {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            if (open != null) {
                open.closed(this);
            }
            ScheduledFuture<?> w = watch;
            if (w != null) {
                w.cancel(false);
            }
            return true;
        }

        private void finish(UpstreamResult result, String failure) {
            if (claim()) {
                ctx.result(result);
                if (failure != null) {
                    exchange.setException(new UpstreamUnavailableException(failure));
                }
                callback.done(false);
            }
        }
    }
}
