package dev.caravan.http;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.caravan.models.ModelName;

/**
 * gemini-balance's smart URL normalisation (URL_NORMALIZATION_ENABLED): the canonical path a client most likely meant
 * when it sent one that no route serves, by gemini-balance's rules, in its order of priority:
 * <ol>
 *   <li>a path holding {@code generatecontent} or {@code v1beta/models}: GET is the model list
 *       ({@code /v1beta/models}); POST is {@code /v1beta/models/<m>:generateContent}, or
 *       {@code :streamGenerateContent} when the path holds {@code stream} or the query says {@code stream=true}; the
 *       model comes from {@code ?model=}, else from {@code /models/<m>} in the path (never from the body, which is
 *       not read here); {@code /vertex-express/} keeps its prefix;</li>
 *   <li>a path holding {@code /openai/}: {@code /openai/v1/<operation>} by keyword ({@link #OPERATIONS});</li>
 *   <li>a path holding {@code /v1/}: {@code /v1/<operation>} by the same keywords;</li>
 *   <li>a path holding {@code /chat/completions}: {@code /v1/chat/completions}.</li>
 * </ol>
 * Unlike gemini-balance it is asked only about paths no route took (so a path Caravan serves, an operator's own
 * route's included, is never rewritten), only for GET and POST, never for the admin, operations, health or upload
 * paths, never for a path over {@value #MAX_PATH_LENGTH} characters, and a model that breaks {@link ModelName}'s rule
 * means no rewrite at all. The rewritten path is built from constants and a validated model id only. Stateless;
 * thread-safe.
 */
public final class UrlNormalization {

    /** The longest path considered; a longer one is answered 404 as it is. */
    public static final int MAX_PATH_LENGTH = 512;

    /** First path segments that are never rewritten: the operator's and the operations' own doors. */
    static final List<String> NEVER = List.of("admin", "observe", "health", "upload");

    /** An OpenAI operation: for {@code method}, a path holding any of {@code keywords} means {@code target}. */
    record Operation(String method, List<String> keywords, String target) {
    }

    /** gemini-balance's keywords, first match wins. */
    static final List<Operation> OPERATIONS = List.of(
            new Operation("POST", List.of("chat", "completion"), "chat/completions"),
            new Operation("POST", List.of("embedding"), "embeddings"),
            new Operation("POST", List.of("image"), "images/generations"),
            new Operation("POST", List.of("audio"), "audio/speech"),
            new Operation("GET", List.of("model"), "models"));

    private static final Pattern MODEL_IN_PATH = Pattern.compile("/models/([^/:]+)", Pattern.CASE_INSENSITIVE);

    /**
     * The canonical path for a request no route took, or null when there is none (or it is the same path).
     *
     * @param method the request's method
     * @param path   the request's path, without the query
     * @param model  the {@code model} query parameter, or null
     * @param stream the {@code stream} query parameter, or null
     */
    public String canonical(String method, String path, String model, String stream) {
        if (path == null || path.isEmpty() || path.length() > MAX_PATH_LENGTH
                || !("GET".equals(method) || "POST".equals(method))) {
            return null;
        }
        String lower = path.toLowerCase(Locale.ROOT);
        if (never(lower)) {
            return null;
        }
        String target;
        if (lower.contains("generatecontent") || lower.contains("v1beta/models")) {
            target = gemini(method, path, lower, model, stream);
        } else if (lower.contains("/openai/")) {
            target = openAi("/openai/v1/", method, lower);
        } else if (lower.contains("/v1/")) {
            target = openAi("/v1/", method, lower);
        } else if (lower.contains("/chat/completions")) {
            target = "/v1/chat/completions";
        } else {
            target = null;
        }
        return target == null || target.equals(path) ? null : target;
    }

    private static boolean never(String lower) {
        int end = lower.indexOf('/', 1);
        String first = end < 0 ? lower.substring(1) : lower.substring(1, end);
        return NEVER.contains(first);
    }

    private static String gemini(String method, String path, String lower, String model, String stream) {
        if ("GET".equals(method)) {
            return "/v1beta/models";
        }
        String id = modelOf(path, model);
        if (id == null) {
            return null;
        }
        boolean streaming = lower.contains("stream") || "true".equalsIgnoreCase(stream);
        String prefix = lower.contains("/vertex-express/") ? "/vertex-express/v1beta/models/" : "/v1beta/models/";
        return prefix + id + (streaming ? ":streamGenerateContent" : ":generateContent");
    }

    /** The model of {@code ?model=} (with or without {@code models/}), else of {@code /models/<m>}; null if invalid. */
    private static String modelOf(String path, String model) {
        if (model != null && !model.isEmpty()) {
            // a model the client named but that breaks the rule is not swapped for another one
            return ModelName.id(model);
        }
        Matcher m = MODEL_IN_PATH.matcher(path);
        return m.find() ? ModelName.id(m.group(1)) : null;
    }

    private static String openAi(String prefix, String method, String lower) {
        for (Operation op : OPERATIONS) {
            if (op.method().equals(method) && op.keywords().stream().anyMatch(lower::contains)) {
                return prefix + op.target();
            }
        }
        return null;
    }
}
