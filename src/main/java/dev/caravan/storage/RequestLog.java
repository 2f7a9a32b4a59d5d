package dev.caravan.storage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.caravan.ops.CaravanMetrics;
import dev.caravan.errors.ClientError;
import dev.caravan.keys.TriedKeys;
import dev.caravan.keys.Verdict;
import dev.caravan.http.RequestArrival;
import dev.caravan.http.RequestLogStamp;
import dev.caravan.security.TokenVerifier;
import dev.caravan.upstream.RequestContext;
import dev.caravan.upstream.TokenUsage;
import dev.caravan.upstream.UpstreamResult;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a finished request (the wire-tapped copy of its exchange) into its log rows: what was asked, by whom (the
 * client token's fingerprint), how it ended, every upstream attempt with its key's fingerprint, status and verdict,
 * and the tokens Google counted. A failure also gets an error row with Google's error body, or the gateway's own
 * answer, with keys and tokens redacted. The wire tap runs this on the request's own thread (no hand-off to another
 * thread): it only computes, never waits (no I/O, no lock held beyond {@link UnauthenticatedLog}'s short one), and
 * the rows go to the {@link RequestLogQueue}. The batch writer's callbacks (retry, failure, success) are here too.
 * Thread-safe.
 */
public final class RequestLog implements org.apache.camel.Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RequestLog.class);
    /** Longer error bodies are cut: a log row is for reading, and Google's errors are short. */
    static final int MAX_ERROR_BODY = 16_384;
    /**
     * The columns of a request row, in the order of the {@code #} placeholders of the insert in
     * routes/request-log.camel.yaml (positional rows spare camel-sql the named-parameter parsing it would do for every
     * row of every batch), each with the size of its text column (db/migration, V1; 0: none). Longer values are cut
     * to fit: the method and the path are the client's as it sent them; the rest is bounded before it gets here, and
     * is cut all the same.
     */
    public static final LogRow.Table REQUEST = new LogRow.Table("request_id", 64, "request_at_ms", 0, "surface", 16,
            "method", 8, "path", 512, "model", 128, "streamed", 0, "client_fingerprint", 16, "status", 0,
            "latency_ms", 0, "attempt_count", 0, "attempts", 0, "prompt_tokens", 0, "completion_tokens", 0,
            "thought_tokens", 0, "total_tokens", 0, "error_type", 64, "refusal", 255);

    /** The columns of an error row, in the order of the {@code #} placeholders of its insert, with their sizes. */
    public static final LogRow.Table ERROR = new LogRow.Table("request_id", 64, "error_at_ms", 0, "surface", 16,
            "path", 512, "model", 128, "client_fingerprint", 16, "key_fingerprint", 16, "status", 0,
            "upstream_status", 0, "error_type", 64, "error_body", MAX_ERROR_BODY, "request_body", 0);

    /** True when the wire tap's step left rows to queue (false: a refusal that was only counted). */
    public static final Predicate HAS_ROWS = exchange -> exchange.getMessage().getBody() != null;

    private final SecretRedactor redactor;
    private final UnauthenticatedLog unauthenticated;
    private final RequestLogQueue queue;
    private final AtomicBoolean warnedFailed = new AtomicBoolean();
    private final AtomicBoolean warnedUnreadable = new AtomicBoolean();
    private final AtomicBoolean warnedRetrying = new AtomicBoolean();

    private CaravanMetrics metrics;

    /** Also counts each finished request in the Prometheus meters (in the wire tap, as the answer goes out). */
    public RequestLog withMetrics(CaravanMetrics meters) {
        this.metrics = meters;
        return this;
    }

    /**
     * @param unauthenticated decides which refused requests get rows of their own, and sums up the others
     * @param queue           where the rows wait for the batch writer, and where rows given up are counted
     */
    public RequestLog(SecretRedactor redactor, UnauthenticatedLog unauthenticated,
                      RequestLogQueue queue) {
        this.redactor = redactor;
        this.unauthenticated = unauthenticated;
        this.queue = queue;
    }

    /**
     * The wire tap's step (a processor: no bean lookup per request): the finished request's rows, made from what its
     * copy carries (what {@link RequestLogStamp} noted included), become the body. A request refused before its token was
     * accepted is counted in the metrics, and gets rows only when {@link UnauthenticatedLog} admits it; otherwise
     * the body is null and nothing is queued ({@link #HAS_ROWS}).
     */
    @Override
    public void process(Exchange exchange) {
        LogEntry entry;
        try {
            entry = entry(exchange);
        } catch (RuntimeException e) {
            // a row that cannot be made is counted and reported, never retried and never the request's problem;
            // the message is left out, as it may quote the request
            queue.dropped(1);
            if (warnedUnreadable.compareAndSet(false, true)) {
                LOG.warn("Cannot make the request log rows of a request, dropping them: {} at {}", e.getClass().getName(),
                        e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?");
            }
            exchange.getMessage().setBody(null);
            return;
        }
        TokenVerifier.Refusal refusal = exchange.getProperty(TokenVerifier.REFUSED, TokenVerifier.Refusal.class);
        if (refusal != null) {
            String surface = (String) entry.requestValue("surface");
            if (metrics != null) {
                metrics.unauthenticated(surface, refusal.reason());
            }
            if (!unauthenticated.admit(refusal.address(), surface, (Integer) entry.requestValue("status"),
                    (String) entry.requestValue("path"))) {
                exchange.getMessage().setBody(null);
                return;
            }
        }
        exchange.getMessage().setBody(entry);
    }

    /**
     * The rows that sum up the unauthenticated requests counted since the last call and not logged one by one: one
     * request row and one error row per address, surface and status (routes/request-log.camel.yaml asks every
     * UNAUTHENTICATED_LOG_SECONDS).
     */
    public List<LogEntry> unauthenticatedSummaries() {
        List<LogEntry> out = new ArrayList<>();
        for (UnauthenticatedLog.Summary s : unauthenticated.drain()) {
            String errorType = s.status() == 429 ? "RESOURCE_EXHAUSTED" : "UNAUTHENTICATED";
            LogRow row = REQUEST.row();
            row.put("request_id", java.util.UUID.randomUUID().toString());
            row.put("request_at_ms", s.fromMillis());
            row.put("surface", s.surface());
            row.put("path", s.path());
            row.put("streamed", false);
            row.put("status", s.status());
            row.put("latency_ms", 0L);
            row.put("attempt_count", 0);
            row.put("attempts", "[]");
            row.put("error_type", errorType);
            LogRow error = ERROR.row();
            error.put("request_id", row.get("request_id"));
            error.put("error_at_ms", s.toMillis());
            error.put("surface", s.surface());
            error.put("path", row.get("path"));
            error.put("status", s.status());
            error.put("error_type", errorType);
            error.put("error_body", s.count() + " more unauthenticated request" + (s.count() == 1 ? "" : "s") + " (HTTP "
                    + s.status() + ") from " + s.address() + " between " + java.time.Instant.ofEpochMilli(s.fromMillis())
                    + " and " + java.time.Instant.ofEpochMilli(s.toMillis()) + " were counted, not logged one by one "
                    + "(caravan_unauthenticated_total counts every one)");
            out.add(new LogEntry(row.values(), error.values()));
        }
        return out;
    }

    public LogEntry entry(Exchange exchange) {
        RequestContext ctx = exchange.getProperty(RequestContext.PROPERTY, RequestContext.class);
        Message msg = exchange.getMessage();
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);

        // read without a default: a default would be boxed on every call, stamped or not
        Long stampedNanos = exchange.getProperty(RequestLogStamp.ENDED_NANOS, Long.class);
        Long stampedMillis = exchange.getProperty(RequestLogStamp.ENDED_MILLIS, Long.class);
        long endedNanos = stampedNanos != null ? stampedNanos : System.nanoTime();
        long endedMillis = stampedMillis != null ? stampedMillis : System.currentTimeMillis();
        RequestArrival.Arrival arrival = RequestArrival.of(exchange);
        long arrived = arrival == null ? endedNanos : arrival.nanos();
        long latencyMs = Math.max(0, (endedNanos - arrived) / 1_000_000);
        String path = arrival == null ? null : arrival.path();
        String surface = surfaceOf(path);
        UpstreamResult result = ctx == null ? null : ctx.result();
        int status = status(msg, result);
        String errorType = errorType(failure, ctx, status);
        // an image the host did not take reached the client inline: a success with an error-log row saying why
        String hostFailures = exchange.getProperty(dev.caravan.dialect.GeneratedImages.HOST_FAILURES, String.class);
        if (errorType == null && hostFailures != null) {
            errorType = "IMAGE_HOST_FAILED";
        }
        TokenUsage usage = usage(ctx);
        if (ctx != null && usage.prompt() != null && ctx.tokensTakenAt() > 0) {
            // Google's count replaces the pick's estimate in the project's minute (README "Quotas", pacing)
            dev.caravan.keys.QuotaBudgets.promptTokens(ctx.key(), ctx.model(), ctx.tokensTakenAt(),
                    System.currentTimeMillis(), ctx.tokensTaken(), usage.prompt());
        }
        List<RequestContext.Attempt> attempts = ctx == null ? List.of() : ctx.attemptLog();

        if (metrics != null) {
            String model = ctx == null ? null : ctx.model();
            metrics.request(surface == null ? "none" : surface, model, status,
                    Math.max(0, endedNanos - arrived));
            metrics.tokens(model, "prompt", usage.prompt() == null ? 0 : usage.prompt());
            metrics.tokens(model, "completion", usage.completion() == null ? 0 : usage.completion());
            metrics.tokens(model, "thought", usage.thoughts() == null ? 0 : usage.thoughts());
        }

        LogRow row = REQUEST.row();
        // the tapped request's own id, as its first step noted it (the wire tap drops the copy's correlation id),
        // not a new one made for the copy
        String requestId = arrival == null ? null : arrival.requestId();
        row.put("request_id", requestId != null ? requestId : exchange.getExchangeId());
        row.put("request_at_ms", endedMillis - latencyMs);
        row.put("surface", surface);
        row.put("method", arrival == null ? null : arrival.method());
        row.put("path", redactor.redactIfNeeded(path));
        row.put("model", ctx == null ? null : redactor.redactIfNeeded(ctx.model()));
        row.put("streamed", ctx != null && ctx.stream());
        row.put("client_fingerprint", exchange.getProperty(TokenVerifier.CLIENT_FINGERPRINT, String.class));
        row.put("status", status);
        row.put("latency_ms", latencyMs);
        row.put("attempt_count", attempts.size());
        row.put("attempts", attemptsJson(attempts));
        row.put("prompt_tokens", usage.prompt());
        row.put("completion_tokens", usage.completion());
        row.put("thought_tokens", usage.thoughts());
        row.put("total_tokens", usage.total());
        row.put("error_type", errorType);
        // issue 14: why the gateway refused the request itself, if it did
        row.put("refusal", ctx == null ? null : ctx.refusal());

        List<Object> error = null;
        if (status >= 400 || errorType != null) {
            LogRow failed = ERROR.row();
            failed.put("request_id", row.get("request_id"));
            failed.put("error_at_ms", endedMillis);
            failed.put("surface", surface);
            failed.put("path", row.get("path"));
            failed.put("model", row.get("model"));
            failed.put("client_fingerprint", row.get("client_fingerprint"));
            failed.put("key_fingerprint", attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).keyFingerprint());
            failed.put("status", status);
            failed.put("upstream_status", result == null ? null : result.status());
            failed.put("error_type", errorType);
            failed.put("error_body", status < 400 && hostFailures != null
                    ? redactor.redact(hostFailures, List.of()) : errorBody(ctx, result, msg, failure));
            failed.put("request_body", requestBody(ctx, exchange.getProperty(RequestArrival.REQUEST_BODY)));
            error = failed.values();
        }
        return new LogEntry(row.values(), error);
    }

    /** The request rows of a batch, for camel-sql's batch insert. */
    public List<List<Object>> requestRows(List<LogEntry> batch) {
        List<List<Object>> rows = new ArrayList<>(batch.size());
        for (LogEntry e : batch) {
            rows.add(e.request());
        }
        return rows;
    }

    /** The most characters of a request body an error row keeps (ERROR_LOG_RECORD_REQUEST_BODY). */
    static final int REQUEST_BODY_MAX_CHARS = 32 * 1024;

    /** The error rows of a batch (often none). */
    public List<List<Object>> errorRows(List<LogEntry> batch) {
        List<List<Object>> rows = new ArrayList<>();
        for (LogEntry e : batch) {
            if (e.error() != null) {
                rows.add(e.error());
            }
        }
        return rows;
    }

    /**
     * Whether to try a batch the database refused once more (the request-log route's retry condition): always while
     * Caravan runs, so that rows wait for a database that is away rather than being dropped (the queue in front
     * bounds how many wait); once Caravan is stopping, {@value #TRIES_WHILE_STOPPING} more tries, so that a stop
     * never waits on a database that does not come back. The first refusal of an outage is logged.
     */
    public boolean keepRetrying(Exchange exchange) {
        if (warnedRetrying.compareAndSet(false, true)) {
            Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            if (cause == null) {
                cause = exchange.getException();
            }
            LOG.warn("Cannot write request log rows to the database; holding them in memory and trying again until it "
                    + "takes them: {}", cause == null ? "unknown error" : cause.getMessage());
        }
        if (exchange.getContext().getStatus().isStarted()) {
            return true;
        }
        int tries = exchange.getProperty(STOPPING_TRIES, 0, Integer.class);
        exchange.setProperty(STOPPING_TRIES, tries + 1);
        return tries < TRIES_WHILE_STOPPING;
    }

    /** Tries of one batch once Caravan is stopping, counted in this exchange property. */
    private static final String STOPPING_TRIES = "caravanLogStoppingTries";
    static final int TRIES_WHILE_STOPPING = 2;

    /**
     * A batch could not be written even after retries (Caravan is stopping, and the database still refuses): its
     * rows, and every row still queued behind it, are counted as dropped, so that the stop does not wait on them.
     */
    public void batchFailed(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        int n = body instanceof List<?> l ? l.size() : 1;
        queue.dropped(n);
        if (!exchange.getContext().getStatus().isStarted()) {
            n += queue.dropAll();
        }
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (warnedFailed.compareAndSet(false, true)) {
            LOG.warn("Cannot write {} request log row(s) to the database, dropping them: {}", n,
                    cause == null ? "unknown error" : cause.getMessage());
        }
    }


    /** A batch was written: a later problem is worth a new warning. */
    public void batchWritten() {
        if (warnedRetrying.compareAndSet(true, false)) {
            LOG.info("Writing request log rows to the database again");
        }
        warnedFailed.set(false);
        queue.written();
    }

    /** Whether a batch the database refused is being tried again now. */
    public boolean retrying() {
        return warnedRetrying.get();
    }

    /** Rows dropped since start (queue full, or the database refused them after retries). */
    public long droppedRows() {
        return queue.droppedRows();
    }

    static String surfaceOf(String path) {
        if (path == null) {
            return "unknown";
        }
        if (path.startsWith("/vertex-express/")) {
            return "vertex";
        }
        return path.startsWith("/v1beta") || path.startsWith("/gemini/") ? "gemini" : "openai";
    }

    private static int status(Message msg, UpstreamResult result) {
        Integer code = msg.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (code != null) {
            return code;
        }
        // a relayed stream (200) or a client that left (499): the reply went out without a Camel header
        return result != null ? result.status() : 200;
    }

    /**
     * Why the request failed, in one word: the refusal's status word, the pool's verdict on the last attempt, or
     * INTERNAL for an unexpected failure; null for a success. The caught exception alone says little: the circuit
     * breaker also catches the upstream failures that a later key may have made good.
     */
    private static String errorType(Throwable failure, RequestContext ctx, int status) {
        if (failure instanceof ClientError ce) {
            return ce.status();
        }
        if (ctx != null && ctx.noKeyAtAll()) {
            return ctx.noKeyRetryAfterMillis() < 0 ? "NO_USABLE_KEY" : "KEYS_COOLING";
        }
        Verdict v = ctx == null ? null : ctx.verdict();
        if (v != null && v.kind() != Verdict.Kind.SUCCESS) {
            return v.kind().name();
        }
        if (failure != null && status >= 500) {
            return "INTERNAL";
        }
        return status >= 400 ? "HTTP_" + status : null;
    }

    private static TokenUsage usage(RequestContext ctx) {
        UpstreamResult r = ctx == null ? null : ctx.result();
        if (r == null) {
            return TokenUsage.NONE;
        }
        if (ctx.usage() != null) {
            // a translation read them already: the answer is not parsed twice
            return ctx.usage();
        }
        try {
            if (r.committed()) {
                return TokenUsage.ofStreamTail(ctx.streamTail());
            }
            if (r.status() >= 200 && r.status() < 300 && r.body() != null) {
                return TokenUsage.of(r.body());
            }
        } catch (RuntimeException unreadable) {
            // a released or odd buffer costs the counts, never the row
        }
        return TokenUsage.NONE;
    }

    /**
     * The attempts as a JSON array, written straight into a builder sized for them: Jackson's generator (its writer,
     * context and buffers) cost more than the row itself for the usual one attempt; Jackson still escapes the strings.
     */
    static String attemptsJson(List<RequestContext.Attempt> attempts) {
        if (attempts.isEmpty()) {
            return "[]";
        }
        StringBuilder w = new StringBuilder(attempts.size() * 72);
        w.append('[');
        for (RequestContext.Attempt a : attempts) {
            if (w.length() > 1) {
                w.append(',');
            }
            w.append("{\"key\":");
            jsonString(w, a.keyFingerprint());
            w.append(",\"status\":").append(a.status()).append(",\"verdict\":");
            jsonString(w, a.verdict() == null ? null : a.verdict().name());
            w.append('}');
        }
        return w.append(']').toString();
    }

    private static void jsonString(StringBuilder w, String value) {
        if (value == null) {
            w.append("null");
            return;
        }
        w.append('"');
        JsonStringEncoder.getInstance().quoteAsString(value, w);
        w.append('"');
    }

    private String errorBody(RequestContext ctx, UpstreamResult result, Message msg, Throwable failure) {
        String text = null;
        if (result != null && result.status() >= 400 && result.body() != null) {
            text = result.body().toString(StandardCharsets.UTF_8);
        } else if (msg.getBody() instanceof String s) {
            text = s;
        } else if (msg.getBody() instanceof Buffer b) {
            text = b.toString(StandardCharsets.UTF_8);
        } else if (msg.getBody() instanceof byte[] b) {
            text = new String(b, StandardCharsets.UTF_8);
        }
        if ((text == null || text.isEmpty()) && result != null && result.failure() != null) {
            text = result.failure();
        }
        if ((text == null || text.isEmpty()) && failure != null) {
            text = failure.getMessage();
        }
        List<String> keys = new ArrayList<>(2);
        if (ctx != null) {
            TriedKeys tried = ctx.tried();
            for (int i = 0; i < tried.size(); i++) {
                keys.add(tried.get(i).secret());
            }
        }
        return redactor.redact(text, keys);
    }

    /**
     * The client's request body for the error row, while ERROR_LOG_RECORD_REQUEST_BODY is on (else null): cut to
     * {@link #REQUEST_BODY_MAX_CHARS}, with the keys tried, the tokens and anything credential-shaped redacted.
     */
    private String requestBody(RequestContext ctx, Object body) {
        String text;
        if (body instanceof String s) {
            text = s;
        } else if (body instanceof Buffer b) {
            text = b.length() > REQUEST_BODY_MAX_CHARS * 4 ? b.getString(0, REQUEST_BODY_MAX_CHARS * 4, "UTF-8")
                    : b.toString(StandardCharsets.UTF_8);
        } else if (body instanceof byte[] b) {
            text = new String(b, 0, Math.min(b.length, REQUEST_BODY_MAX_CHARS * 4), StandardCharsets.UTF_8);
        } else {
            return null;
        }
        List<String> keys = new ArrayList<>(2);
        if (ctx != null) {
            TriedKeys tried = ctx.tried();
            for (int i = 0; i < tried.size(); i++) {
                keys.add(tried.get(i).secret());
            }
        }
        // redacted whole, then cut: a secret cut in two would no longer be recognised
        return LogRow.cut(redactor.redact(text, keys), REQUEST_BODY_MAX_CHARS);
    }
}
