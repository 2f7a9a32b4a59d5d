package dev.caravan.security;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;

import dev.caravan.errors.ClientError;
import dev.caravan.keys.KeyFingerprint;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * Checks a client's token, sent as Google's and OpenAI's clients send it ({@code x-goog-api-key},
 * {@code ?key=}, or {@code Authorization: Bearer}), against ALLOWED_TOKENS; the admin token is not a client token
 * (README, "Client tokens"). Tokens are compared as their keyed HMAC ({@link KeyFingerprint#mac}) with
 * {@link MessageDigest#isEqual} against every allowed one, so the time taken says nothing about how close a guess was or which token matched. Wrong tokens
 * count per address in a {@link GuessThrottle}: an address that guessed too often gets 429 with Retry-After, even
 * with a right token. A refusal leaves a {@link Refusal} on the exchange for the request log. The list can be
 * replaced at runtime (the admin page edits ALLOWED_TOKENS) by one volatile write; thread-safe.
 */
public final class TokenVerifier implements Processor {

    /** The exchange property that holds the fingerprint of the token the client presented (allowed or not). */
    public static final String CLIENT_FINGERPRINT = "caravanClientFingerprint";

    /** The exchange property set when a request was refused before any token was accepted: a {@link Refusal}. */
    public static final String REFUSED = "caravanRefusedClient";

    /** Why a request was refused, and the address it came from (as {@link ClientAddress} counts it). */
    public record Refusal(String address, String reason) {
        /** No token in any of the documented places. */
        public static final String MISSING = "missing";
        /** A token that is not allowed. */
        public static final String WRONG = "wrong";
        /** Too many wrong tokens from the address lately: the token was not looked at. */
        public static final String THROTTLED = "throttled";
        /** A path that no route serves, answered 404 by the HTTP edge before any token is looked at. */
        public static final String UNKNOWN_PATH = "unknown_path";
    }

    private volatile byte[][] allowed;
    private final GuessThrottle throttle;
    private final KeyFingerprint fingerprints;

    /**
     * @param tokens       the allowed client tokens (ALLOWED_TOKENS)
     * @param throttle     counts wrong tokens per address and refuses an address that guessed too often
     * @param fingerprints names the client in the request log (its HMAC is also what tokens are compared by)
     */
    public TokenVerifier(Collection<String> tokens, GuessThrottle throttle, KeyFingerprint fingerprints) {
        this.throttle = throttle;
        this.fingerprints = fingerprints;
        update(tokens);
    }

    /** Replaces the allowed tokens; requests that arrive afterwards are checked against the new list. */
    public void update(Collection<String> tokens) {
        this.allowed = tokens.stream().filter(t -> t != null && !t.isEmpty()).map(this::digest)
                .toArray(byte[][]::new);
    }

    /** Whether {@code token} is one of the allowed tokens; constant time in the token's content. */
    public boolean isAllowed(String token) {
        if (token == null || token.isEmpty()) {
            return false;
        }
        return isAllowedDigest(digest(token));
    }

    private boolean isAllowedDigest(byte[] d) {
        boolean match = false;
        byte[][] current = allowed;
        for (byte[] a : current) {
            match |= MessageDigest.isEqual(a, d);
        }
        return match;
    }

    /**
     * The token the client presented, read from the HTTP request itself and only from the documented places, in the
     * order Google's own clients use them: the {@code x-goog-api-key} header, an {@code Authorization: Bearer}
     * header, the {@code key} parameter of the query string. Not from Camel's message headers: platform-http maps
     * query parameters and form fields onto them, which would let {@code ?Authorization=Bearer%20T},
     * {@code ?x-goog-api-key=T} or a form field {@code key} in. Null when there is none.
     */
    public static String presented(HttpServerRequest request) {
        if (request == null) {
            return null;
        }
        return presented(request.getHeader("x-goog-api-key"), request.getHeader("Authorization"), request.query());
    }

    /**
     * The token among the request's {@code x-goog-api-key} header, {@code Authorization} header and raw query string
     * (each may be null); null when there is none.
     */
    static String presented(String googApiKey, String authorization, String rawQuery) {
        if (googApiKey != null && !googApiKey.isBlank()) {
            return googApiKey;
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String t = authorization.substring(7).trim();
            if (!t.isEmpty()) {
                return t;
            }
        }
        String key = queryParameter(rawQuery, "key");
        return key == null || key.isBlank() ? null : key;
    }

    /** The first value of {@code name} in a raw query string, percent-decoded; null when absent or malformed. */
    private static String queryParameter(String rawQuery, String name) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String n = eq < 0 ? pair : pair.substring(0, eq);
            if (n.equals(name)) {
                try {
                    return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException malformed) {
                    return null;
                }
            }
        }
        return null;
    }

    @Override
    public void process(Exchange exchange) {
        // the request as it came: a later step may replace the message, this one (second after requestArrival) does not
        HttpServerRequest request = exchange.getMessage() instanceof HttpMessage http ? http.getRequest() : null;
        String address = ClientAddress.of(request);
        long wait = throttle.retryAfterSeconds(address);
        if (wait > 0) {
            // refused before the token is even looked at, a right one included: guessing must not pay off
            exchange.setProperty(REFUSED, new Refusal(address, Refusal.THROTTLED));
            throw ClientError.tooManyRequests("Too many wrong client tokens from your address: try again in " + wait + " s",
                    wait);
        }
        String token = presented(request);
        byte[] d = token == null || token.isEmpty() ? null : digest(token);
        if (d != null) {
            // the request log names the client by this fingerprint, never by its token
            exchange.setProperty(CLIENT_FINGERPRINT, KeyFingerprint.ofMac(d));
        }
        if (d == null || !isAllowedDigest(d)) {
            if (d != null) {
                // a missing token is no guess; a wrong one counts towards the address's limit
                throttle.failed(address);
            }
            exchange.setProperty(REFUSED, new Refusal(address, d == null ? Refusal.MISSING : Refusal.WRONG));
            throw new ClientError(401, "UNAUTHENTICATED",
                    "Missing or invalid client token: send it as x-goog-api-key, ?key= or Authorization: Bearer");
        }
    }

    /**
     * The token's keyed HMAC: one hash gives both what is compared and the fingerprint that is logged. The HTTP edge
     * (which decides whether to read a body) and the token check both digest the same request's token, the very same
     * string read from its header: the thread keeps its last string and digest, so a request costs one HMAC.
     */
    private byte[] digest(String s) {
        Object[] last = lastDigest.get();
        if (last[0] == s) {
            return (byte[]) last[1];
        }
        byte[] d = fingerprints.mac(s);
        last[0] = s;
        last[1] = d;
        return d;
    }

    /**
     * Per thread: the last token string this verifier digested (compared by identity) and its digest, which nobody
     * changes. Per verifier, as each has its own HMAC key.
     */
    private final ThreadLocal<Object[]> lastDigest = ThreadLocal.withInitial(() -> new Object[2]);
}
