package dev.caravan.dialect;

import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.dialect.openai.AliasFeatures;
import dev.caravan.dialect.openai.ChatFeatures;
import dev.caravan.dialect.openai.ModelAlias;
import dev.caravan.dialect.openai.ModelAliases;
import dev.caravan.errors.ClientError;
import dev.caravan.http.BufferJson;
import dev.caravan.upstream.Upstream;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The Gemini-native surface's share of the model settings the OpenAI surface has: a derived id
 * ({@code <m>-search}, {@code <m>-image}, {@code <m>-non-thinking} for the models of SEARCH_MODELS, IMAGE_MODELS,
 * THINKING_MODELS) calls its base model with the feature added to the body, as gemini-balance serves them; and
 * {@code generateContent} bodies get the operator's automatic tools ({@link ChatFeatures}). Runs after
 * {@link GeminiRequest}, on the contract's headers it set. A body is parsed only when something applies, so plain
 * requests still go upstream byte for byte. Thread-safe.
 */
public final class GeminiModelFeatures implements Processor {

    /** The exchange property that keeps the id the client asked for when it was an alias (for the model list step). */
    public static final String REQUESTED = "caravanRequestedModel";
    /** The exchange property that marks a call for the model list (the model list step adds the derived ids). */
    public static final String LIST = "caravanModelList";
    /** The exchange property that marks a call for one model's entry (an alias's is renamed after the call). */
    public static final String ONE = "caravanModelEntry";

    private final ObjectMapper json;
    private final Supplier<ModelAliases> aliases;
    private final Supplier<ChatFeatures> features;

    public GeminiModelFeatures(ObjectMapper json, Supplier<ModelAliases> aliases, Supplier<ChatFeatures> features) {
        this.json = json;
        this.aliases = aliases;
        this.features = features;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        String model = in.getHeader(Upstream.MODEL, String.class);
        String path = in.getHeader(Upstream.PATH, String.class);
        if (model == null && "/models".equals(path)) {
            exchange.setProperty(LIST, Boolean.TRUE);
            return;
        }
        if (model == null || path == null || !path.startsWith("/models/" + model)) {
            return;
        }
        String rest = path.substring(("/models/" + model).length());
        ModelAliases configured = aliases.get();
        ModelAlias alias = configured.resolve(model);
        if (configured.filtered(model) || configured.filtered(alias.model())) {
            // FILTERED_MODELS: hidden from the lists and refused, as gemini-balance refuses them; no key is used
            throw rest.isEmpty() ? new ClientError(404, "NOT_FOUND", "models/" + model + " is not found")
                    : ClientError.badRequest("Model " + model + " is not supported");
        }
        if (alias.feature() != ModelAlias.Feature.NONE) {
            in.setHeader(Upstream.MODEL, alias.model());
            in.setHeader(Upstream.PATH, "/models/" + alias.model() + rest);
            exchange.setProperty(REQUESTED, model);
            exchange.setProperty(ONE, rest.isEmpty());
        }
        if (!rest.equals(":generateContent") && !rest.equals(":streamGenerateContent")) {
            return;
        }
        ChatFeatures f = features.get();
        if (alias.feature() == ModelAlias.Feature.NONE && !f.codeExecution() && !f.urlContext()) {
            return;
        }
        JsonNode body = BufferJson.tree(json, in);
        if (!(body instanceof ObjectNode object)) {
            throw ClientError.badRequest("The request body must be a JSON object");
        }
        boolean changed = AliasFeatures.apply(object, alias);
        changed |= f.addTools(object, alias.model(), alias.feature());
        if (changed) {
            in.setBody(BufferJson.write(json, object));
        }
    }
}
