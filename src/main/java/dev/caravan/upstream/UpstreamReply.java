package dev.caravan.upstream;

import dev.caravan.dialect.ErrorDialect;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.Verdict;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Turns the outcome of the upstream loop into the client's answer in Google's shape: Google's own answer when
 * it is one the client should see, or an honest gateway error (429 with Retry-After while keys cool, 503 when
 * none is usable, 502/504 when Google could not be reached). Clears every header first, so no internal header
 * and no key can leak back. Thread-safe.
 */
public final class UpstreamReply implements Processor {

    private final KeyRoundRobin pool;
    private final ErrorDialect dialect;

    public UpstreamReply(KeyRoundRobin pool, ErrorDialect dialect) {
        this.pool = pool;
        this.dialect = dialect;
    }

    @Override
    public void process(Exchange exchange) {
        RequestContext ctx = RequestContext.of(exchange);
        Message msg = exchange.getMessage();
        if (ctx.noKeyAtAll()) {
            long ms = ctx.noKeyRetryAfterMillis();
            if (ms < 0) {
                reply(msg, 503, dialect.render(503, "UNAVAILABLE",
                        "No usable API key: every key in the pool is invalid, suspended or disabled"));
            } else {
                reply(msg, 429, dialect.render(429, "RESOURCE_EXHAUSTED",
                        "Every API key is cooling down" + forModel(ctx) + "; retry after " + seconds(ms) + " s"));
                msg.setHeader("Retry-After", seconds(ms));
            }
            return;
        }
        UpstreamResult r = ctx.result();
        if (r == null || r.committed()) {
            // the stream already went to the client, or the client left: nothing more to say
            msg.getHeaders().clear();
            msg.setBody(null);
            return;
        }
        Verdict v = ctx.verdict();
        Verdict.Kind kind = v == null ? null : v.kind();
        if (kind == Verdict.Kind.BREAKER_OPEN) {
            reply(msg, 503, dialect.render(503, "UNAVAILABLE",
                    "Google is failing; the gateway's circuit breaker is open, retry shortly"));
        } else if (r.status() == 0) {
            boolean timeout = "timeout".equals(r.failure());
            reply(msg, timeout ? 504 : 502, dialect.render(timeout ? 504 : 502,
                    timeout ? "DEADLINE_EXCEEDED" : "UNAVAILABLE",
                    (timeout ? "Google did not answer in time" : "Google could not be reached") + attempts(ctx)));
        } else if (kind == Verdict.Kind.KEY_INVALID || kind == Verdict.Kind.KEY_SUSPENDED || kind == Verdict.Kind.KEY_DISABLED) {
            // Google's words would be about the gateway's key, which the client cannot fix
            reply(msg, 503, dialect.render(503, "UNAVAILABLE", "Google refused the gateway's API keys" + attempts(ctx)));
        } else {
            String translated = r.status() >= 400 && r.body() != null ? dialect.fromGoogle(r.status(), r.body().getBytes()) : null;
            if (translated != null) {
                reply(msg, r.status(), translated);
            } else {
                reply(msg, r.status(), r.contentType(), r.body());
            }
            if (r.status() == 429) {
                long ms = pool.retryAfterMillis(ctx.model());
                if (ms > 0) {
                    msg.setHeader("Retry-After", seconds(ms));
                }
            }
        }
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

    private void reply(Message msg, int status, String json) {
        reply(msg, status, "application/json; charset=UTF-8", json);
    }

    private static String forModel(RequestContext ctx) {
        return ctx.model() == null ? "" : " for " + ctx.model();
    }

    private static String attempts(RequestContext ctx) {
        return " (" + ctx.attempts() + (ctx.attempts() == 1 ? " attempt)" : " attempts)");
    }

    /** Whole seconds, rounded up, at least 1: a client that waits that long finds a key back. */
    static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }
}
