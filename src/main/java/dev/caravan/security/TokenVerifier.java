package dev.caravan.security;

import java.security.MessageDigest;
import java.util.Collection;

import dev.caravan.errors.ClientError;
import dev.caravan.keys.KeyFingerprint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Checks a client's token, sent as Google's and OpenAI's clients send it ({@code x-goog-api-key},
 * {@code ?key=}, or {@code Authorization: Bearer}), against ALLOWED_TOKENS and AUTH_TOKEN. Tokens are compared
 * as SHA-256 digests with {@link MessageDigest#isEqual} against every allowed one, so the time taken says
 * nothing about how close a guess was or which token matched. The list can be replaced at runtime (the admin page
 * edits ALLOWED_TOKENS) by one volatile write; thread-safe.
 */
public final class TokenVerifier implements Processor {

    /** The exchange property that holds the fingerprint of the token the client presented (allowed or not). */
    public static final String CLIENT_FINGERPRINT = "caravanClientFingerprint";

    private volatile byte[][] allowed;

    public TokenVerifier(Collection<String> tokens) {
        update(tokens);
    }

    /** Replaces the allowed tokens; requests that arrive afterwards are checked against the new list. */
    public void update(Collection<String> tokens) {
        this.allowed = tokens.stream().filter(t -> t != null && !t.isEmpty()).map(TokenVerifier::digest)
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

    /** The token a client presented, in the order Google's own clients use them; null when none. */
    public static String presented(Message in) {
        String t = in.getHeader("x-goog-api-key", String.class);
        if (t == null || t.isBlank()) {
            t = null;
            String auth = in.getHeader("Authorization", String.class);
            if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                t = auth.substring(7).trim();
            }
        }
        if (t == null || t.isBlank()) {
            t = in.getHeader("key", String.class);
        }
        return t;
    }

    @Override
    public void process(Exchange exchange) {
        String token = presented(exchange.getMessage());
        byte[] d = token == null || token.isEmpty() ? null : digest(token);
        if (d != null) {
            // the request log names the client by this fingerprint, never by its token
            exchange.setProperty(CLIENT_FINGERPRINT, KeyFingerprint.ofDigest(d));
        }
        if (d == null || !isAllowedDigest(d)) {
            throw new ClientError(401, "UNAUTHENTICATED",
                    "Missing or invalid client token: send it as x-goog-api-key, ?key= or Authorization: Bearer");
        }
    }

    private static byte[] digest(String s) {
        return KeyFingerprint.sha256(s);
    }
}
