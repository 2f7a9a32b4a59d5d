package dev.caravan.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for Google's Generative Language API on a free local port. It answers with Google's real bodies
 * (see {@link GoogleBodies}), scripted per key, and records everything it received so tests can assert which
 * key and which bytes reached "Google".
 */
public final class StubGemini implements AutoCloseable {

    /** One request as the stub received it. Header names are lower case. */
    public record Received(String method, String path, String query, Map<String, List<String>> headers, byte[] body,
                           long atNanos) {
        public String key() {
            List<String> v = headers.get("x-goog-api-key");
            return v == null ? null : v.get(0);
        }

        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.get(0);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** What the stub answers. */
    public sealed interface Reply permits Json, Sse, Paced, Gated, Hang, Close, Reset, Delayed {
    }

    /** A whole JSON answer. */
    public record Json(int status, String body) implements Reply {
    }

    /** A stream: each event written and flushed after its delay; optionally the connection is cut after them. */
    public record Sse(String contentType, List<String> chunks, Duration gap, boolean cutAfter) implements Reply {
    }

    /**
     * A stream with its own pause before each chunk ({@code gaps.get(i)} before {@code chunks.get(i)}), for
     * silences in the middle of a stream; optionally the connection is cut after them.
     */
    public record Paced(String contentType, List<String> chunks, List<Duration> gaps, boolean cutAfter) implements Reply {
        public Paced {
            if (chunks.size() != gaps.size()) {
                throw new IllegalArgumentException("one gap per chunk");
            }
        }
    }

    /**
     * A stream in step with the test: the first chunk goes at once, each later one only when the test opens the
     * {@link Gate} again (typically once its client holds the chunk before). So a test proves that a chunk reached
     * the client before Google sent the next one without measuring any time. A gate left shut for 10 s ends the
     * stream with a cut connection, which the test then sees as a broken answer.
     */
    public record Gated(String contentType, List<String> chunks, Gate gate) implements Reply {
    }

    /** Lets a {@link Gated} stream send its next chunk; one {@link #open} per chunk. Thread-safe. */
    public static final class Gate {
        private final java.util.concurrent.Semaphore permits = new java.util.concurrent.Semaphore(0);

        public void open() {
            permits.release();
        }

        boolean awaitOpen() {
            try {
                return permits.tryAcquire(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** No answer at all, until the client gives up (for timeouts). */
    public record Hang() implements Reply {
    }

    /** The connection is closed without an answer. */
    public record Close() implements Reply {
    }

    /**
     * Answers like {@code reply}, but the connection is reset (a TCP RST, as a crashed or cut-off server sends) right
     * after the bytes of {@code after} went out on the wire, e.g. halfway through a JSON body or after a stream's
     * second event. The reset needs the socket itself, so it works only for requests that came through
     * {@link #resettableBaseUrl()}.
     */
    public record Reset(Reply reply, String after) implements Reply {
        public Reset {
            if (reply instanceof Reset) {
                throw new IllegalArgumentException("one reset per answer");
            }
        }
    }

    /**
     * Answers like {@code reply} after {@code pause} of silence, before even the status line: Google thinking, or
     * a slow whole answer.
     */
    public record Delayed(Duration pause, Reply reply) implements Reply {
    }

    static {
        // read once, when the JDK's HTTP server is first used: without it each answer's body waits about 40 ms for
        // the gateway's delayed ACK of its head (pom.xml sets it too, for the servers other tests start first)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Function<Received, Reply>> perKey = new ConcurrentHashMap<>();
    private final List<Long> sentAtNanos = new CopyOnWriteArrayList<>();
    private volatile Function<Received, Reply> fallback = r -> new Json(200, GoogleBodies.generateContent("hello"));
    private volatile CountDownLatch clientClosed = new CountDownLatch(1);
    private ResettingRelay relay;
    private final StubFiles files;

    public StubGemini() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        files = new StubFiles(baseUrl());
        server.createContext("/upload/", ex -> guarded(ex, files::upload));
        server.createContext("/v1beta/files/", ex -> guarded(ex, files::file));
        server.start();
    }

    /** A stub started now, for a test's static field (e.g. an image host's API next to Google's). */
    public static StubGemini started() {
        try {
            return new StubGemini();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The base URL to give Caravan as BASE_URL. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1beta";
    }

    /**
     * The base URL through a TCP relay in front of the stub (its own port on 127.0.0.1), which can reset a connection
     * mid-answer for a {@link Reset} reply; otherwise it passes every byte on as it comes. Started on first use.
     */
    public synchronized String resettableBaseUrl() {
        if (relay == null) {
            try {
                relay = new ResettingRelay(server.getAddress().getPort());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return "http://127.0.0.1:" + relay.port() + "/v1beta";
    }

    /** Google's Files API: uploads, and the files of each key. */
    public StubFiles files() {
        return files;
    }

    private interface ExchangeHandler {
        void handle(com.sun.net.httpserver.HttpExchange ex) throws IOException;
    }

    private static void guarded(com.sun.net.httpserver.HttpExchange ex, ExchangeHandler h) {
        try {
            h.handle(ex);
        } catch (IOException | RuntimeException e) {
            ex.close();
        }
    }

    /** Answers every request that no per-key script takes. */
    public StubGemini answer(Function<Received, Reply> f) {
        fallback = f;
        return this;
    }

    /** Answers requests made with {@code key}. */
    public StubGemini answerFor(String key, Function<Received, Reply> f) {
        perKey.put(key, f);
        return this;
    }

    /** Forgets scripts and recordings between tests. */
    public void reset() {
        files.reset();
        perKey.clear();
        received.clear();
        sentAtNanos.clear();
        clientClosed = new CountDownLatch(1);
        fallback = r -> new Json(200, GoogleBodies.generateContent("hello"));
    }

    public List<Received> received() {
        return Collections.unmodifiableList(new ArrayList<>(received));
    }

    /** The keys of the requests received, in order. */
    public List<String> keysSeen() {
        return received.stream().map(Received::key).toList();
    }

    /** When each streamed chunk was flushed (System.nanoTime). */
    public List<Long> sentAtNanos() {
        return List.copyOf(sentAtNanos);
    }

    /** Whether, while streaming, the stub found the gateway had closed the connection. */
    public boolean awaitClientClosed(long seconds) throws InterruptedException {
        return clientClosed.await(seconds, TimeUnit.SECONDS);
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        Map<String, List<String>> headers = new TreeMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        Received r = new Received(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), ex.getRequestURI().getRawQuery(),
                headers, body, System.nanoTime());
        received.add(r);
        Function<Received, Reply> script = r.key() == null ? null : perKey.get(r.key());
        Reply reply = (script != null ? script : fallback).apply(r);
        try {
            write(ex, reply);
            ex.close();
        } catch (IOException closed) {
            clientClosed.countDown();
            ex.close();
        }
        // a CutConnection escapes to the JDK server, which then drops the connection without ending the answer
    }

    private void write(HttpExchange ex, Reply reply) throws IOException {
        if (reply instanceof Json j) {
            byte[] b = j.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
            ex.sendResponseHeaders(j.status(), b.length == 0 ? -1 : b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        } else if (reply instanceof Sse s) {
            stream(ex, s.contentType(), s.chunks(), Collections.nCopies(s.chunks().size(), s.gap()), s.cutAfter());
        } else if (reply instanceof Paced p) {
            stream(ex, p.contentType(), p.chunks(), p.gaps(), p.cutAfter());
        } else if (reply instanceof Gated g) {
            gated(ex, g);
        } else if (reply instanceof Reset reset) {
            ResettingRelay r = relay;
            if (r == null || !r.cutAfter(ex.getRemoteAddress().getPort(), reset.after().getBytes(StandardCharsets.UTF_8))) {
                throw new IllegalStateException("a Reset reply needs the request to come through resettableBaseUrl()");
            }
            write(ex, reset.reply());
        } else if (reply instanceof Delayed d) {
            pause(d.pause());
            write(ex, d.reply());
        } else if (reply instanceof Hang) {
            // no answer: the gateway's timeout has to end this
            pause(Duration.ofSeconds(30));
        } else {
            throw new CutConnection();
        }
    }

    private void stream(HttpExchange ex, String contentType, List<String> chunks, List<Duration> gaps, boolean cutAfter)
            throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        for (int i = 0; i < chunks.size(); i++) {
            pause(gaps.get(i));
            out.write(chunks.get(i).getBytes(StandardCharsets.UTF_8));
            out.flush();
            sentAtNanos.add(System.nanoTime());
        }
        if (cutAfter) {
            // a broken stream: the socket closes without the final chunk
            throw new CutConnection();
        }
        out.close();
    }

    private void gated(HttpExchange ex, Gated g) throws IOException {
        ex.getResponseHeaders().set("Content-Type", g.contentType());
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        for (int i = 0; i < g.chunks().size(); i++) {
            if (i > 0 && !g.gate().awaitOpen()) {
                // the test never saw the chunk before: the stream ends broken, and the test fails on it
                throw new CutConnection();
            }
            out.write(g.chunks().get(i).getBytes(StandardCharsets.UTF_8));
            out.flush();
            sentAtNanos.add(System.nanoTime());
        }
        out.close();
    }

    /** Thrown to make the JDK server drop the connection mid-answer. */
    private static final class CutConnection extends RuntimeException {
    }

    private static void pause(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            // the stub plays Google's pacing; this is the upstream's behaviour, not a test waiting for a condition
            TimeUnit.NANOSECONDS.sleep(d.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        ResettingRelay r = relay;
        if (r != null) {
            r.close();
        }
        server.stop(0);
        pool.shutdownNow();
    }
}
