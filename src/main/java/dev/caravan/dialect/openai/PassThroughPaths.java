package dev.caravan.dialect.openai;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which requests under {@code /openai/v1/} may reach Google's OpenAI-compatible surface. Caravan calls Google with
 * shared pool keys, so only endpoints that store nothing can keep one client's data from another: POST
 * {@code chat/completions} and {@code embeddings}, GET {@code models} and {@code models/{model}}. Endpoints that
 * store objects under the key ({@code files}, {@code batches}) would let every client read, use and delete what
 * another made; they pass only when an operator lists them (OPENAI_PASS_THROUGH_EXTRA_PATHS), each entry with
 * everything below it. Immutable; thread-safe.
 */
public final class PassThroughPaths {

    private static final Pattern ONE_SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

    private final List<String> extra;

    /** @param extra paths below /openai/v1/ that pass with what is below them, e.g. "files" */
    public PassThroughPaths(List<String> extra) {
        this.extra = List.copyOf(extra);
    }

    /**
     * @param method the client's method, upper case
     * @param path   the path below {@code /openai/v1/}, already checked to be plain segments
     */
    public boolean allows(String method, String path) {
        if (shipped(method, path)) {
            return true;
        }
        for (String p : extra) {
            if (path.equals(p) || path.startsWith(p + "/")) {
                return true;
            }
        }
        return false;
    }

    private static boolean shipped(String method, String path) {
        if (method.equals("POST")) {
            return path.equals("chat/completions") || path.equals("embeddings");
        }
        if (method.equals("GET")) {
            return path.equals("models")
                    || path.startsWith("models/") && ONE_SEGMENT.matcher(path.substring("models/".length())).matches();
        }
        return false;
    }
}
