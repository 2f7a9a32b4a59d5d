package dev.caravan.dialect.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Translates an OpenAI {@code /v1/chat/completions} request body into a Gemini {@code generateContent} request:
 * messages, tools and tool choice, sampling parameters, response format, reasoning effort and model aliases.
 * Unknown fields are ignored; malformed input raises {@link InvalidOpenAiRequest}. Safe to call concurrently when
 * its {@link ImageFetcher} is; {@link ThoughtSignatures} is shared with {@link GeminiToOpenAi}.
 */
public final class OpenAiToGemini {

    private final ObjectMapper json;
    private final java.util.function.Supplier<ModelAliases> aliases;
    private final MessagesTranslator messages;
    private final ToolsTranslator tools;
    private final GenerationConfigTranslator generation;
    private final java.util.function.Supplier<ChatFeatures> features;

    public OpenAiToGemini(ObjectMapper json, ModelAliases aliases, ImageFetcher images, ThoughtSignatures signatures) {
        this(json, () -> aliases, images, signatures);
    }

    /** @param aliases read at each request, so an operator's new model lists apply at once */
    public OpenAiToGemini(ObjectMapper json, java.util.function.Supplier<ModelAliases> aliases, ImageFetcher images,
                          ThoughtSignatures signatures) {
        this(json, aliases, () -> ChatFeatures.DEFAULTS, images, signatures);
    }

    /** @param features the automatic tools and thought switch, read at each request */
    public OpenAiToGemini(ObjectMapper json, java.util.function.Supplier<ModelAliases> aliases,
                          java.util.function.Supplier<ChatFeatures> features, ImageFetcher images,
                          ThoughtSignatures signatures) {
        this.json = json;
        this.aliases = aliases;
        this.features = features;
        JsonSchemaCleaner schemas = new JsonSchemaCleaner();
        this.messages = new MessagesTranslator(json, new ContentParts(images), signatures);
        this.tools = new ToolsTranslator(schemas);
        this.generation = new GenerationConfigTranslator(schemas, new ThinkingConfigs(aliases, features));
    }

    /** Parses and translates a request body; text that is not a JSON object is refused. */
    public GeminiChatRequest translate(String body) {
        JsonNode request;
        try {
            request = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidOpenAiRequest("The request body is not valid JSON");
        }
        return translate(request);
    }

    /** Translates a parsed request body (not modified). */
    public GeminiChatRequest translate(JsonNode request) {
        if (request == null || !request.isObject()) {
            throw new InvalidOpenAiRequest("The request body must be a JSON object");
        }
        String requested = Json.requiredText(request, "model", "model");
        String requestedId = ModelParam.id(requested);
        ModelAliases configured = aliases.get();
        ModelAlias alias = configured.resolve(requested);
        if (configured.filtered(requestedId) || configured.filtered(alias.model())) {
            // FILTERED_MODELS: hidden from the lists and refused, as gemini-balance refuses them; no key is used
            throw new InvalidOpenAiRequest("Model " + requestedId + " is not supported", "model");
        }
        ObjectNode body = json.createObjectNode();
        MessagesTranslator.Conversation conversation = messages.translate(Json.field(request, "messages"),
                alias.model());
        body.set("contents", conversation.contents());
        setIfPresent(body, "systemInstruction", conversation.systemInstruction());
        ArrayNode geminiTools = tools.tools(Json.field(request, "tools"), alias.is(ModelAlias.Feature.SEARCH));
        setIfPresent(body, "tools", geminiTools);
        setIfPresent(body, "toolConfig", tools.toolConfig(Json.field(request, "tool_choice")));
        setIfPresent(body, "generationConfig", generation.generationConfig(request, alias));
        // TOOLS_CODE_EXECUTION_ENABLED, URL_CONTEXT_ENABLED: Google's built-in tools where the client named none
        features.get().addTools(body, alias.model(), alias.feature());
        return new GeminiChatRequest(requested, alias.model(), flag(request, "stream"),
                flag(Json.field(request, "stream_options"), "include_usage"), body);
    }

    private static boolean flag(JsonNode object, String name) {
        JsonNode v = Json.field(object, name);
        if (v != null && !v.isBoolean()) {
            throw new InvalidOpenAiRequest(name + " must be true or false", name);
        }
        return v != null && v.asBoolean();
    }

    private static void setIfPresent(ObjectNode body, String field, JsonNode value) {
        if (value != null) {
            body.set(field, value);
        }
    }
}
