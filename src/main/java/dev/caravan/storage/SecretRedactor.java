package dev.caravan.storage;

import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes secrets from text bound for a log table: the secrets it is told about (pool keys a request used, client
 * tokens), anything shaped like a Google API key, Bearer credentials, and {@code key=} query parameters.
 * Tokens it learns later (an operator's new ALLOWED_TOKENS) are added, never forgotten. Thread-safe.
 */
public final class SecretRedactor {

    static final String MASK = "[REDACTED]";
    private static final Pattern GOOGLE_KEY = Pattern.compile("AIza[0-9A-Za-z_\\-]{20,}");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[^\\s\"',;]+");
    private static final Pattern KEY_PARAM = Pattern.compile("(?i)([?&](?:key|api_key|apikey|access_token)=)[^&\\s\"'#]+");

    private volatile List<String> tokens;

    /** @param tokens client tokens to remove wherever they appear (empty ones are ignored) */
    public SecretRedactor(Collection<String> tokens) {
        this.tokens = tokens.stream().filter(t -> t != null && !t.isEmpty()).toList();
    }

    /** Also removes {@code more} from now on (the tokens already known stay removed too). */
    public synchronized void remember(Collection<String> more) {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(tokens);
        more.stream().filter(t -> t != null && !t.isEmpty()).forEach(all::add);
        tokens = List.copyOf(all);
    }

    /**
     * {@link #redact} for text every request row holds (its path and model, which a client chooses: gemini-balance's
     * {@code /verify-key/<key>} puts a key in a path), with a cheap look first so that the rows of requests that hold
     * none cost no pattern matching.
     */
    public String redactIfNeeded(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        boolean suspect = text.contains("AIza") || text.contains("key=");
        for (int i = 0; !suspect && i < tokens.size(); i++) {
            suspect = text.contains(tokens.get(i));
        }
        return suspect ? redact(text, List.of()) : text;
    }

    /** Text a client will read with anything shaped like a Google API key masked (e.g. a path it asked for). */
    public static String withoutKeyShapes(String text) {
        return text == null || !text.contains("AIza") ? text : GOOGLE_KEY.matcher(text).replaceAll(MASK);
    }

    /** The text without the known tokens, the given keys, or anything shaped like a credential. */
    public String redact(String text, Collection<String> keys) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String k : keys) {
            if (k != null && !k.isEmpty()) {
                out = out.replace(k, MASK);
            }
        }
        for (String t : tokens) {
            out = out.replace(t, MASK);
        }
        out = GOOGLE_KEY.matcher(out).replaceAll(MASK);
        out = BEARER.matcher(out).replaceAll("$1" + MASK);
        return KEY_PARAM.matcher(out).replaceAll("$1" + MASK);
    }
}
