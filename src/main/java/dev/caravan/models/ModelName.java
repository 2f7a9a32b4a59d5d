package dev.caravan.models;

/**
 * The one rule for a model name that came from a client or an operator: an id as Google spells it (letters, digits,
 * '.', '_' and '-', starting with a letter or digit, at most {@value #MAX_LENGTH} characters), optionally written
 * after {@code models/}. A model name becomes part of the URL sent to Google, a key of the pool's per-model state, a
 * metric label and a log column, so anything else (a slash, a '?', a space, CR/LF, 64 KB) is refused wherever a
 * surface reads one, before a key is used. Stateless; thread-safe.
 */
public final class ModelName {

    /** The longest id: Google's own are under 64 characters, and the log's model column holds 128. */
    public static final int MAX_LENGTH = 128;
    /** The rule in words, for the 400 a client gets; never the refused name itself, which may be 64 KB or hold CR/LF. */
    public static final String RULE = "letters, digits, '.', '_' and '-', starting with a letter or digit, at most "
            + MAX_LENGTH + " characters";

    private static final String PREFIX = "models/";

    private ModelName() {
    }

    /** Whether {@code id} is a model id as Google spells it (without {@code models/}). */
    public static boolean isValid(String id) {
        // the length first: a 64 KB name costs no work; then one pass over the characters (every request checks a
        // name two or three times, and a regex matcher allocated each time showed in the allocation profile)
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH || !asciiLetterOrDigit(id.charAt(0))) {
            return false;
        }
        for (int i = 1; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!asciiLetterOrDigit(c) && c != '.' && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    /** An ASCII letter or digit (Character.isLetterOrDigit would let other scripts' letters into a URL). */
    public static boolean asciiLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** The id of a name written with or without {@code models/}, or null when it is not a valid one. */
    public static String id(String name) {
        if (name == null) {
            return null;
        }
        String id = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
        return isValid(id) ? id : null;
    }
}
