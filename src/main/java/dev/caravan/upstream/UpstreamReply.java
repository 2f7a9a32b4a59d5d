package dev.caravan.upstream;

import dev.caravan.errors.GoogleErrors;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.Verdict;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The upstream route's last step: turns the outcome of its loop into the contract's answer ({@link Upstream}):
 * Google's own answer when it is one the client should see, or an honest gateway error in Google's envelope (429
 * with Retry-After while keys cool, 503 when none is usable, 502/504 when Google could not be reached or failed with
 * a 500 of its own, 500 when the request could not be sent at all), with the
 * outcome, the attempts and the last key's fingerprint. Clears every header first, so no header of the request,
 * and no key, survives the route. Thread-safe.
 */
public final class UpstreamReply implements Processor {

    private final KeyRoundRobin pool;

    public UpstreamReply(KeyRoundRobin pool) {
        this.pool = pool;
    }

    @Override
    public void process(Exchange exchange) {
        RequestContext ctx = RequestContext.of(exchange);
        Message msg = exchange.getMessage();
        if (ctx.noKeyAtAll()) {
            long ms = ctx.noKeyRetryAfterMillis();
            if (ms < 0) {
                gatewayError(msg, 503, "UNAVAILABLE",
                        "No usable API key: every key in the " + poolName(ctx) + " is invalid, suspended or disabled");
            } else {
                gatewayError(msg, 429, "RESOURCE_EXHAUSTED",
                        "Every API key is cooling down" + forModel(ctx) + "; retry after " + seconds(ms) + " s");
                msg.setHeader("Retry-After", seconds(ms));
            }
            tell(msg, ctx);
            return;
        }
        UpstreamResult r = ctx.result();
        if (r == null || r.committed()) {
            // the stream already went to the client, or the client left: nothing more to say
            msg.getHeaders().clear();
            msg.setBody(null);
            msg.setHeader(Upstream.OUTCOME, Upstream.RELAYED);
            tell(msg, ctx);
            return;
        }
        Verdict v = ctx.verdict();
        Verdict.Kind kind = v == null ? null : v.kind();
        if (kind == Verdict.Kind.BREAKER_OPEN) {
            gatewayError(msg, 503, "UNAVAILABLE", "Google is failing; the gateway's circuit breaker is open, retry shortly");
        } else if (kind == Verdict.Kind.NOT_SENT) {
            // the gateway built a request HTTP cannot carry: its own failure, not Google's, and no key's
            gatewayError(msg, 500, "INTERNAL", "The request could not be sent to Google: its path or a header has a "
                    + "character HTTP forbids");
        } else if (kind == Verdict.Kind.CUT_AT_SHUTDOWN) {
            // Caravan stopped before Google answered: as the requests refused while stopping are answered
            gatewayError(msg, 503, "UNAVAILABLE", GeminiCall.CUT_MESSAGE);
            msg.setHeader("Retry-After",
                    String.valueOf(dev.caravan.http.CaravanHttpServer.STOPPING_RETRY_AFTER_SECONDS));
        } else if (r.status() == 0) {
            boolean timeout = "timeout".equals(r.failure());
            gatewayError(msg, timeout ? 504 : 502, timeout ? "DEADLINE_EXCEEDED" : "UNAVAILABLE",
                    (timeout ? "Google did not answer in time" : "Google could not be reached") + attempts(ctx));
        } else if (kind == Verdict.Kind.KEY_INVALID || kind == Verdict.Kind.KEY_SUSPENDED || kind == Verdict.Kind.KEY_DISABLED) {
            // Google's words would be about the gateway's key, which the client cannot fix
            gatewayError(msg, 503, "UNAVAILABLE", "Google refused the gateway's API keys" + attempts(ctx));
        } else if (r.status() >= 500 && r.status() != 502 && r.status() != 503 && r.status() != 504) {
            // Google failed (500 INTERNAL and the like) on the last attempt left: to the client, the gateway's
            // upstream failed, which is a 502 (DESIGN §2); a 500 would say the gateway itself broke. Google's 502,
            // 503 and 504 already say what happened and pass as they came
            gatewayError(msg, 502, "UNAVAILABLE", "Google failed: it answered HTTP " + r.status()
                    + statusWord(v) + attempts(ctx));
        } else {
            reply(msg, r.status(), r.contentType(), r.status() >= 400 ? withoutKeys(r.body(), ctx) : r.body());
            msg.setHeader(Upstream.OUTCOME, Upstream.ANSWERED);
            java.util.List<String> google = ctx.answerHeaders();
            for (int i = 0; i < google.size(); i += 2) {
                msg.setHeader(Upstream.GOOGLE_PREFIX + google.get(i), google.get(i + 1));
            }
            if (r.status() == 429) {
                // every 429 says when to come back (DESIGN §2): when the first key returns, and at least a second,
                // also when the keys' short throttling pauses are already over by the time this answer goes out
                long ms = (ctx.keyPool() != null ? ctx.keyPool() : pool).retryAfterMillis(ctx.model(), ctx.inputTokens());
                msg.setHeader("Retry-After", seconds(Math.max(0, ms)));
            }
        }
        tell(msg, ctx);
    }

    /**
     * Google's error answer without the request's keys in it: Google's messages name a key now and then ("Consumer
     * 'api_key:…' has been suspended"), and a key never reaches a client; each key the request tried is replaced by
     * its mask, anything else shaped like a Google key by a marker. Error bodies are small, and the scan costs nothing
     * on a success.
     */
    static io.vertx.core.buffer.Buffer withoutKeys(io.vertx.core.buffer.Buffer body, RequestContext ctx) {
        if (body == null || body.length() == 0 || ctx.tried().isEmpty()) {
            return body;
        }
        String text = body.toString(java.nio.charset.StandardCharsets.UTF_8);
        String clean = text;
        for (int i = 0; i < ctx.tried().size(); i++) {
            ApiKey k = ctx.tried().get(i);
            if (!k.secret().isEmpty() && clean.contains(k.secret())) {
                clean = clean.replace(k.secret(), k.mask());
            }
        }
        // and any other key a message quotes (Google names only the caller's, but a key is never a client's to read)
        clean = dev.caravan.storage.SecretRedactor.withoutKeyShapes(clean);
        return clean.equals(text) ? body : io.vertx.core.buffer.Buffer.buffer(clean);
    }

    /** The attempts and the last key's fingerprint, for the routes after the call. */
    private static void tell(Message msg, RequestContext ctx) {
        msg.setHeader(Upstream.ATTEMPTS, ctx.attempts());
        ApiKey last = ctx.key() != null ? ctx.key() : ctx.tried().last();
        if (last != null) {
            msg.setHeader(Upstream.KEY_FINGERPRINT, last.fingerprint());
        }
    }

    private static void gatewayError(Message msg, int status, String googleStatus, String message) {
        reply(msg, status, JSON, GoogleErrors.body(status, googleStatus, message));
        msg.setHeader(Upstream.OUTCOME, Upstream.GATEWAY_ERROR);
    }

    /** Replaces the whole message with a reply: no header of the request or of the routes survives. */
    public static void reply(Message msg, int status, String contentType, Object body) {
        msg.getHeaders().clear();
        msg.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        if (contentType != null) {
            msg.setHeader(Exchange.CONTENT_TYPE, contentType);
        }
        msg.setBody(body);
    }

    private static final String JSON = "application/json; charset=UTF-8";

    private static String poolName(RequestContext ctx) {
        UpstreamPool p = ctx.upstreamPool();
        return p == null || UpstreamPool.GEMINI.equals(p.name()) ? "pool" : p.name() + " pool";
    }

    private static String forModel(RequestContext ctx) {
        return ctx.model() == null ? "" : " for " + ctx.model();
    }

    /** Google's status word (" INTERNAL"), when its answer had one of the canonical shape; else nothing. */
    private static String statusWord(Verdict v) {
        String reason = v == null || v.evidence() == null ? null : v.evidence().reason();
        return reason != null && reason.matches("[A-Z][A-Z0-9_]{0,63}") ? " " + reason : "";
    }

    private static String attempts(RequestContext ctx) {
        return " (" + ctx.attempts() + (ctx.attempts() == 1 ? " attempt)" : " attempts)");
    }

    /** Whole seconds, rounded up, at least 1: a client that waits that long finds a key back. */
    static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }
}
