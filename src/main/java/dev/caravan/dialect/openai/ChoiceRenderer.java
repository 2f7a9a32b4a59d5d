package dev.caravan.dialect.openai;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.http.CompactJsonNodes;

/**
 * Renders the Gemini parts of one choice into OpenAI message pieces: text joined into {@code content}, inline
 * images as markdown data-URL images in {@code content}, thoughts into {@code reasoning_content}, function calls into
 * {@code tool_calls} (their thought signatures carried in {@code extra_content.google.thought_signature} and
 * remembered in {@link ThoughtSignatures}), code that Google's code execution ran and its result as markdown code
 * blocks, and grounding sources as a markdown list of links; thoughts and sources only where the operator shows them
 * ({@link ChatFeatures}). It keeps what it saw
 * so that a stream rendered event by event reads like the whole answer rendered at once. One per choice; not
 * thread-safe.
 */
final class ChoiceRenderer {

    private static final JsonNodeFactory NODES = CompactJsonNodes.INSTANCE;

    private final String completionId;
    private final int choice;
    private final ThoughtSignatures signatures;
    private final ChatFeatures features;
    private boolean anyContent;
    private boolean lastWasImage;
    private int toolCalls;

    ChoiceRenderer(String completionId, int choice, ThoughtSignatures signatures) {
        this(completionId, choice, signatures, ChatFeatures.DEFAULTS);
    }

    ChoiceRenderer(String completionId, int choice, ThoughtSignatures signatures, ChatFeatures features) {
        this.features = features;
        this.completionId = completionId;
        this.choice = choice;
        this.signatures = signatures;
    }

    /** What some parts of the choice add to the message; empty strings when they add none. */
    record Rendered(String content, String reasoning, List<ObjectNode> toolCalls) {
        boolean isEmpty() {
            return content.isEmpty() && reasoning.isEmpty() && toolCalls.isEmpty();
        }
    }

    Rendered render(JsonNode parts) {
        StringBuilder content = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<ObjectNode> calls = new ArrayList<>();
        if (parts != null) {
            for (JsonNode part : parts) {
                JsonNode text = part.get("text");
                if (part.hasNonNull("functionCall")) {
                    calls.add(toolCall(part));
                } else if (text != null && text.isTextual() && part.path("thought").asBoolean(false)) {
                    // SHOW_THINKING_PROCESS off: thoughts are dropped, never mixed into the answer
                    if (features.showThinking()) {
                        reasoning.append(text.asText());
                    }
                } else if (text != null && text.isTextual()) {
                    appendText(content, text.asText());
                } else if (part.hasNonNull("inlineData")) {
                    appendImage(content, part.get("inlineData"));
                } else if (part.hasNonNull("executableCode")) {
                    JsonNode code = part.get("executableCode");
                    String language = Json.nestedText(code, "language");
                    appendBlock(content, language == null ? "" : language.toLowerCase(java.util.Locale.ROOT),
                            Json.nestedText(code, "code"));
                } else if (part.hasNonNull("codeExecutionResult")) {
                    JsonNode result = part.get("codeExecutionResult");
                    String outcome = Json.nestedText(result, "outcome");
                    String output = Json.nestedText(result, "output");
                    if (outcome != null && !outcome.equals("OUTCOME_OK")) {
                        // a failed or timed-out run says so above what it printed
                        output = outcome + (output == null || output.isEmpty() ? "" : "\n" + output);
                    }
                    appendBlock(content, "", output);
                } else if (part.hasNonNull("fileData")) {
                    // an image a route hosted (GeneratedImages): a link instead of the bytes
                    appendLink(content, Json.nestedText(part.get("fileData"), "fileUri"));
                }
            }
        }
        return new Rendered(content.toString(), reasoning.toString(), calls);
    }

    /** The grounding sources as a markdown list of titled links, or an empty string when there are none. */
    String sources(JsonNode groundingMetadata) {
        if (!features.showSearchLinks()) {
            return "";
        }
        Map<String, String> titles = new LinkedHashMap<>();
        JsonNode chunks = Json.field(groundingMetadata, "groundingChunks");
        if (chunks != null) {
            for (JsonNode chunk : chunks) {
                String uri = Json.nestedText(chunk, "web", "uri");
                String title = Json.nestedText(chunk, "web", "title");
                if (uri != null) {
                    titles.putIfAbsent(uri, title == null || title.isBlank() ? uri : title);
                }
            }
        }
        if (titles.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder(anyContent ? "\n\n" : "").append("Sources:\n");
        titles.forEach((uri, title) -> md.append("- [").append(escape(title)).append("](").append(uri).append(")\n"));
        anyContent = true;
        return md.toString();
    }

    int toolCallCount() {
        return toolCalls;
    }

    private void appendText(StringBuilder content, String text) {
        if (text.isEmpty()) {
            return;
        }
        if (lastWasImage) {
            content.append("\n\n");
        }
        content.append(text);
        anyContent = true;
        lastWasImage = false;
    }

    /** Code or output as a fenced markdown block on lines of its own, with a fence longer than any inside it. */
    private void appendBlock(StringBuilder content, String language, String body) {
        if (body == null) {
            return;
        }
        String fence = "```";
        while (body.contains(fence)) {
            fence += "`";
        }
        if (anyContent) {
            content.append("\n\n");
        }
        content.append(fence).append(language).append('\n').append(body);
        if (!body.endsWith("\n")) {
            content.append('\n');
        }
        content.append(fence).append("\n\n");
        // the text that follows starts on a line of its own
        anyContent = false;
        lastWasImage = false;
    }

    private void appendImage(StringBuilder content, JsonNode inlineData) {
        String mime = Json.nestedText(inlineData, "mimeType");
        String data = Json.nestedText(inlineData, "data");
        if (data != null) {
            appendLink(content, "data:" + (mime == null ? "image/png" : mime) + ";base64," + data);
        }
    }

    private void appendLink(StringBuilder content, String target) {
        if (target == null) {
            return;
        }
        if (anyContent) {
            content.append("\n\n");
        }
        content.append("![image](").append(target).append(')');
        anyContent = true;
        lastWasImage = true;
    }

    private ObjectNode toolCall(JsonNode part) {
        JsonNode fc = part.get("functionCall");
        int position = toolCalls++;
        String id = Json.nestedText(fc, "id");
        if (id == null) {
            id = ToolCallIds.of(completionId, choice, position);
        }
        JsonNode args = Json.field(fc, "args");
        ObjectNode call = NODES.objectNode().put("id", id).put("type", "function");
        call.putObject("function")
                .put("name", Json.nestedText(fc, "name"))
                .put("arguments", args == null ? "{}" : args.toString());
        String signature = Json.nestedText(part, "thoughtSignature");
        if (signature != null) {
            call.putObject("extra_content").putObject("google").put("thought_signature", signature);
            signatures.remember(id, signature);
        }
        return call;
    }

    private static String escape(String title) {
        return title.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]");
    }
}
