package dev.caravan.dialect.openai;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The operator's switches that add Google's built-in tools to requests and shape answers (gemini-balance's
 * TOOLS_CODE_EXECUTION_ENABLED, URL_CONTEXT_ENABLED, URL_CONTEXT_MODELS, SHOW_THINKING_PROCESS, SHOW_SEARCH_LINK).
 * The tools go into Gemini {@code generateContent} bodies of either surface; the answer switches shape OpenAI
 * answers. Immutable; thread-safe.
 *
 * @param codeExecution    add {@code codeExecution} to requests that name no tools
 * @param urlContext       add {@code urlContext} to requests for {@code urlContextModels} that declare no functions
 * @param urlContextModels the base models that get {@code urlContext}
 * @param showThinking     ask for thought summaries and answer them as {@code reasoning_content}; off: neither
 * @param showSearchLinks  end grounded answers with their sources as markdown links
 */
public record ChatFeatures(boolean codeExecution, boolean urlContext, List<String> urlContextModels,
                           boolean showThinking, boolean showSearchLinks) {

    /** No automatic tools; thoughts and sources shown. */
    public static final ChatFeatures DEFAULTS = new ChatFeatures(false, false, List.of(), true, true);

    public ChatFeatures {
        urlContextModels = urlContextModels == null ? List.of() : List.copyOf(urlContextModels);
    }

    /**
     * Adds the automatic tools to a Gemini request body. Code execution only where the request names no tools at all,
     * asks for no JSON, and carries no images, audio, video or files (Google's sandbox reads none of them), and not
     * for -search or -image models; URL context for its models unless the request declares functions (Google takes
     * built-in tools beside function declarations only on some models) or asks for JSON.
     *
     * @param model   the Gemini model called (an alias's base)
     * @param feature what the client's model suffix asked for
     * @return whether the body changed
     */
    public boolean addTools(ObjectNode body, String model, ModelAlias.Feature feature) {
        if (!codeExecution && !urlContext) {
            return false;
        }
        JsonNode tools = body.get("tools");
        boolean noTools = tools == null || tools.isNull() || tools.isArray() && tools.isEmpty();
        if (tools != null && !tools.isNull() && !tools.isArray() || declaresFunctions(tools) || asksForJson(body)
                || feature == ModelAlias.Feature.IMAGE) {
            return false;
        }
        boolean changed = false;
        if (codeExecution && noTools && feature != ModelAlias.Feature.SEARCH && !carriesMedia(body.get("contents"))) {
            toolArray(body).addObject().putObject("codeExecution");
            changed = true;
        }
        if (urlContext && urlContextModels.contains(model) && !hasTool(body.get("tools"), "urlContext")) {
            toolArray(body).addObject().putObject("urlContext");
            changed = true;
        }
        return changed;
    }

    private static ArrayNode toolArray(ObjectNode body) {
        JsonNode tools = body.get("tools");
        return tools != null && tools.isArray() ? (ArrayNode) tools : body.putArray("tools");
    }

    private static boolean declaresFunctions(JsonNode tools) {
        return hasTool(tools, "functionDeclarations") || hasTool(tools, "function_declarations");
    }

    private static boolean hasTool(JsonNode tools, String name) {
        if (tools != null && tools.isArray()) {
            for (JsonNode t : tools) {
                if (t.has(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean asksForJson(ObjectNode body) {
        JsonNode config = body.has("generationConfig") ? body.get("generationConfig") : body.get("generation_config");
        if (config == null) {
            return false;
        }
        JsonNode mime = config.has("responseMimeType") ? config.get("responseMimeType") : config.get("response_mime_type");
        return mime != null && mime.isTextual() && mime.asText().startsWith("application/json");
    }

    private static boolean carriesMedia(JsonNode contents) {
        if (contents == null || !contents.isArray()) {
            return false;
        }
        for (JsonNode content : contents) {
            JsonNode parts = content.get("parts");
            if (parts != null && parts.isArray()) {
                for (JsonNode part : parts) {
                    if (part.has("inlineData") || part.has("inline_data") || part.has("fileData") || part.has("file_data")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
