package dev.caravan.upstream;

import java.util.ArrayList;
import java.util.List;

import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyRequest;
import dev.caravan.keys.TriedKeys;
import dev.caravan.keys.Verdict;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;
import org.apache.camel.Exchange;

/**
 * What the upstream route's beans keep between themselves for one client request: what to ask Google (read once
 * from the contract's headers by {@link UpstreamRequest}), which keys it tried, and what came back. It lives in
 * one exchange property ({@link KeyRequest#PROPERTY}), which the circuit breaker's copy of the exchange shares by
 * reference, so what the upstream call learns inside the breaker is seen after it. Routes never read it; the
 * request log does, after the request ended. A request that calls Google several times (one image per call)
 * keeps one context: each call starts afresh, and the attempt log gathers every call's attempts.
 *
 * <p>Not thread-safe by itself: a request's steps run one after another, and the hand-over between the
 * worker thread and the event loop that completes an upstream call is ordered by Camel's async callback.
 */
public final class RequestContext implements KeyRequest {

    /** The exchange property that holds the context. */
    public static final String PROPERTY = KeyRequest.PROPERTY;

    /** One upstream attempt, as the request log will want it. */
    public record Attempt(String keyFingerprint, int status, Verdict.Kind verdict) {
    }

    private final TriedKeys tried = new TriedKeys();
    /** Keys tried by this call whose answer was not a pause: after a wait for a cooling key, only these stay barred. */
    private final TriedKeys barredAfterWait = new TriedKeys();
    private final List<Attempt> attemptLog = new ArrayList<>(2);
    private String model;
    private HttpMethod method = HttpMethod.GET;
    private String upstreamPath;
    private String query;
    private Buffer body;
    /** A body piped from the client as it arrives (an upload), instead of {@link #body}; it can be sent once. */
    private ReadStream<Buffer> bodyStream;
    private String bodyStreamType;
    private long bodyStreamLength = -1;
    private boolean uploadBase;
    private String pinnedKey;
    /** Google's X-Goog-Upload-* answer headers of the last attempt, name and value by turns. */
    private List<String> answerHeaders = List.of();
    private boolean stream;
    private StreamShaper shaper;
    private boolean bearerKey;
    /** The pool named by CaravanPool, or null for the Gemini pool. */
    private UpstreamPool pool;
    /** Caravan-Upstream-* headers without their prefix, name and value by turns. */
    private List<String> forwarded = List.of();
    private HttpServerResponse clientResponse;
    /** The heartbeats of a relayed stream while no byte of the answer went out (null: none). */
    private StreamHeartbeat heartbeat;
    /**
     * The last chunks of a relayed stream, a ring: the request log reads the final usageMetadata from them. Made at
     * a stream's first chunk: a whole answer needs none.
     */
    private Buffer[] streamTail;
    private int streamTailNext;

    private ApiKey key;
    /** Attempts of this call that Google refused for their key at once (they do not spend MAX_RETRIES). */
    private int refusedKeys;
    /** Attempts of this call, a key taken again after a wait counting again. */
    private int attemptCount;
    /** Why the gateway refused the request itself, for its request-log row (null: it did not). */
    private String refusal;
    /** When this request's waits for cooling keys must end, all waits together (0: it has not waited yet). */
    private long waitEndsAtMillis;
    private boolean again;
    private long noKeyRetryAfterMillis = Long.MIN_VALUE;
    private UpstreamResult result;
    /** The answer's token counts once a step has read them (null: the request log reads them from the answer). */
    private TokenUsage usage;
    private Verdict verdict;

    /**
     * Starts the next call to Google for the request: keys tried, result and verdict of the previous call are
     * forgotten, its attempts stay in the log.
     */
    void newCall() {
        tried.clear();
        barredAfterWait.clear();
        refusedKeys = 0;
        attemptCount = 0;
        key = null;
        again = true;
        noKeyRetryAfterMillis = Long.MIN_VALUE;
        result = null;
        usage = null;
        verdict = null;
        stream = false;
        shaper = null;
        bearerKey = false;
        pool = null;
        forwarded = List.of();
        bodyStream = null;
        bodyStreamType = null;
        bodyStreamLength = -1;
        tokensTakenAt = 0;
        tokensTaken = 0;
        uploadBase = false;
        pinnedKey = null;
        answerHeaders = List.of();
        heartbeat = null;
        forgetStreamTail();
    }

    /** The context of an exchange; fails loudly if a route forgot to create it. */
    public static RequestContext of(Exchange exchange) {
        RequestContext ctx = exchange.getProperty(PROPERTY, RequestContext.class);
        if (ctx == null) {
            throw new IllegalStateException("route did not prepare a request context");
        }
        return ctx;
    }

    public String model() { return model; }
    public HttpMethod method() { return method; }
    public String upstreamPath() { return upstreamPath; }
    public String query() { return query; }
    public Buffer body() { return body; }
    /** The client's own request body, piped to Google on the one attempt it allows; null for an ordinary body. */
    public ReadStream<Buffer> bodyStream() { return bodyStream; }
    /** The piped body's Content-Type, or null. */
    public String bodyStreamType() { return bodyStreamType; }
    /** The piped body's Content-Length, or -1 when it comes chunked. */
    public long bodyStreamLength() { return bodyStreamLength; }
    /** Whether the path is under Google's upload root rather than BASE_URL. */
    public boolean uploadBase() { return uploadBase; }
    /** The fingerprint of the one key this call may use, or null for any key of the pool. */
    @Override
    public String pinnedKey() { return pinnedKey; }
    /** Google's X-Goog-Upload-* answer headers, name and value by turns. */
    public List<String> answerHeaders() { return answerHeaders; }
    public boolean stream() { return stream; }
    public StreamShaper shaper() { return shaper; }
    /** Whether the key travels as {@code Authorization: Bearer} (Google's OpenAI surface) instead of x-goog-api-key. */
    public boolean bearerKey() { return bearerKey; }
    public HttpServerResponse clientResponse() { return clientResponse; }
    /** The pool and endpoint of the call, or null for the Gemini pool at BASE_URL. */
    public UpstreamPool upstreamPool() { return pool; }

    @Override
    public dev.caravan.keys.KeyRoundRobin keyPool() {
        return pool == null ? null : pool.keys();
    }
    /** The stream's heartbeats, stopped before the answer's first byte (null: none). */
    public StreamHeartbeat heartbeat() { return heartbeat; }
    List<String> forwarded() { return forwarded; }
    public TriedKeys tried() { return tried; }
    public ApiKey key() { return key; }
    public UpstreamResult result() { return result; }
    public Verdict verdict() { return verdict; }
    public List<Attempt> attemptLog() { return attemptLog; }

    // --- Quotas (issue 14): the request's input tokens as its budget counted them ---
    private long tokensTakenAt;
    private long tokensTaken;

    /** A quarter of the body's bytes (QuotaBudgets.estimateTokens); a piped upload by its Content-Length. */
    @Override
    public long inputTokens() {
        long bytes = body != null ? body.length() : Math.max(0, bodyStreamLength);
        return dev.caravan.keys.QuotaBudgets.estimateTokens(bytes);
    }

    @Override
    public void tokensTaken(long atMillis, long tokens) {
        this.tokensTakenAt = atMillis;
        this.tokensTaken = tokens;
    }

    /** When the pool counted the last attempt's tokens (epoch ms, 0 when none), and how many. */
    public long tokensTakenAt() { return tokensTakenAt; }
    public long tokensTaken() { return tokensTaken; }

    /** Describes the call to make upstream; path is relative to BASE_URL. */
    RequestContext target(String model, HttpMethod method, String upstreamPath, String query, Buffer body) {
        this.model = model;
        this.method = method;
        this.upstreamPath = upstreamPath;
        this.query = query;
        this.body = body;
        return this;
    }

    /** Marks the call as a stream relayed to the client response as it arrives, shaped by {@code shaper}. */
    RequestContext streamThrough(StreamShaper streamShaper) {
        this.stream = true;
        this.shaper = streamShaper;
        return this;
    }

    /** Sends the key as a Bearer token, as Google's OpenAI-compatible surface expects. */
    RequestContext keyAsBearer() {
        this.bearerKey = true;
        return this;
    }

    void pool(UpstreamPool p) {
        this.pool = p;
    }

    /** The body is the client's request itself, piped to Google as it arrives (one attempt only). */
    RequestContext pipe(ReadStream<Buffer> stream, String contentType, long contentLength) {
        this.bodyStream = stream;
        this.bodyStreamType = contentType;
        this.bodyStreamLength = contentLength;
        return this;
    }

    RequestContext underUploadBase() {
        this.uploadBase = true;
        return this;
    }

    RequestContext pin(String keyFingerprint) {
        this.pinnedKey = keyFingerprint;
        return this;
    }

    void answerHeaders(List<String> namesAndValues) {
        this.answerHeaders = namesAndValues;
    }

    void forward(List<String> namesAndValues) {
        this.forwarded = namesAndValues;
    }

    void heartbeat(StreamHeartbeat hb) {
        this.heartbeat = hb;
    }

    void clientResponse(HttpServerResponse response) {
        this.clientResponse = response;
    }

    /**
     * Sets the key for the next attempt (null when none is left) and forgets the previous attempt's result and
     * verdict, so that an attempt the circuit breaker refuses is not judged by the previous key's answer.
     */
    @Override
    public void useKey(ApiKey k) {
        this.key = k;
        if (k == null) {
            again = false;
        } else {
            tried.add(k);
            attemptCount++;
            result = null;
            verdict = null;
            forgetStreamTail();
        }
    }

    /**
     * Keeps a reference to a chunk of the relayed stream, dropping the oldest of the last three: two stores per
     * chunk and no copy, so the relay stays as fast as it was. Google puts usageMetadata in the last event.
     */
    public void keepStreamChunk(Buffer chunk) {
        if (streamTail == null) {
            streamTail = new Buffer[3];
        }
        streamTail[streamTailNext] = chunk;
        streamTailNext = (streamTailNext + 1) % streamTail.length;
    }

    /** The last chunks of the relayed stream, oldest first (empty when nothing was relayed). */
    public List<Buffer> streamTail() {
        if (streamTail == null) {
            return List.of();
        }
        List<Buffer> out = new ArrayList<>(streamTail.length);
        for (int i = 0; i < streamTail.length; i++) {
            Buffer b = streamTail[(streamTailNext + i) % streamTail.length];
            if (b != null) {
                out.add(b);
            }
        }
        return out;
    }

    private void forgetStreamTail() {
        if (streamTail != null) {
            java.util.Arrays.fill(streamTail, null);
        }
    }

    /**
     * The keys a request that waited for a cooling key may not take again: those it tried whose answer was not a
     * pause. A key that was cooling is what the wait is for.
     */
    public TriedKeys barredAfterWait() {
        return barredAfterWait;
    }

    /** Bars the current key after a wait too (its answer was not a pause). */
    void barAfterWait() {
        if (key != null) {
            barredAfterWait.add(key);
        }
    }

    /** Counts an attempt that Google refused for its key at once. */
    void refusedKey() {
        refusedKeys++;
    }

    /** Attempts of this call that Google refused for their key at once. */
    public int refusedKeys() {
        return refusedKeys;
    }

    /** Attempts that spend MAX_RETRIES: those that reached Google's work on the request. */
    public int countedAttempts() {
        return attemptCount - refusedKeys;
    }

    /** Why the gateway refused the request itself (no key, a pause, a wait that ran out), for the request log. */
    /**
     * The end of this request's waiting for keys: QUOTA_WAIT_SECONDS is one budget for the whole request, so a key
     * that comes back only to refuse again cannot keep a request waiting round after round.
     */
    long waitEndsAtMillis(long now, long budgetMillis) {
        if (waitEndsAtMillis == 0) {
            waitEndsAtMillis = now + budgetMillis;
        }
        return waitEndsAtMillis;
    }

    public String refusal() {
        return refusal;
    }

    public void refusal(String why) {
        this.refusal = why;
    }

    /** Attempts made so far, counting the one in progress. */
    public int attempts() {
        return attemptCount;
    }

    public void result(UpstreamResult r) {
        this.result = r;
        this.usage = null;
    }

    /**
     * The token counts of the answer, as a step that parsed it anyway (a translation to another dialect) read them,
     * so that the request log need not parse the answer again; null when no step did.
     */
    public TokenUsage usage() {
        return usage;
    }

    /** Records the answer's token counts, read by a step that parsed the answer (see {@link #usage()}). */
    public void usage(TokenUsage counts) {
        this.usage = counts;
    }

    /** Records the verdict of the current attempt. */
    public void verdict(Verdict v) {
        this.verdict = v;
        attemptLog.add(new Attempt(key == null ? null : key.fingerprint(), result == null ? 0 : result.status(), v.kind()));
    }

    /** Whether the loop in the upstream route makes another attempt (read by {@link AttemptChecks}). */
    boolean again() {
        return again;
    }

    void again(boolean value) {
        this.again = value;
    }

    @Override
    public void noKeyLeft(long retryAfterMillis) {
        this.noKeyRetryAfterMillis = retryAfterMillis;
    }

    /** A key came back while the request waited for one: the attempt goes on with it. */
    void keyCameBack(ApiKey k) {
        noKeyRetryAfterMillis = Long.MIN_VALUE;
        refusal = null;
        this.key = k;
        attemptCount++;
        if (!tried.contains(k)) {
            tried.add(k);
        }
        result = null;
        verdict = null;
        forgetStreamTail();
    }

    public boolean noKeyAtAll() {
        return noKeyRetryAfterMillis != Long.MIN_VALUE;
    }

    public long noKeyRetryAfterMillis() {
        return noKeyRetryAfterMillis;
    }

    /** Whether bytes of a stream already reached the client, after which nothing may be retried. */
    public boolean committed() {
        return result != null && result.committed();
    }
}
