package dev.caravan.dialect.openai;

import dev.caravan.errors.ClientError;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.dialect.IncomingRequest;
import dev.caravan.http.BufferJson;
import dev.caravan.models.KnownModels;
import dev.caravan.upstream.Upstream;
import dev.caravan.upstream.UpstreamReply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import org.apache.camel.Exchange;

/**
 * {@code GET /v1/models}: Google's model list as OpenAI model objects, kept for a configurable time so that
 * clients listing models on every start do not spend a Google call each. Thread-safe: the cache is one
 * volatile snapshot, and two requests that both find it stale both refresh it (harmless).
 */
public final class OpenAiModelList {

    private static final String MODEL_ID = "caravanModelId";

    private final ObjectMapper json;
    private final OpenAiModels models;
    private final long ttlMillis;
    private final LongSupplier clock;
    private final KnownModels known;
    private volatile Snapshot snapshot;

    private record Snapshot(Buffer body, long expiresAt) {
    }

    /** @param known learns the models Google lists, so metrics and key use name them (may be null) */
    public OpenAiModelList(ObjectMapper json, OpenAiModels models, long ttlMillis, LongSupplier clock, KnownModels known) {
        this.json = json;
        this.models = models;
        this.ttlMillis = ttlMillis;
        this.clock = clock;
        this.known = known;
    }

    /** Drops the kept list, so the next request asks Google again (after an operator changed the model lists). */
    public void forget() {
        snapshot = null;
    }

    /** Whether the kept list is fresh: then {@link #fromCache} answers and Google is not called. */
    public boolean fresh() {
        Snapshot s = snapshot;
        return s != null && clock.getAsLong() < s.expiresAt;
    }

    /** Answers from the kept list (the route asked {@link #fresh} first). */
    public void fromCache(Exchange exchange) {
        IncomingRequest.requireMethod(exchange.getMessage(), HttpMethod.GET);
        Snapshot s = snapshot;
        UpstreamReply.reply(exchange.getMessage(), 200, OpenAiReplies.JSON, s.body.copy());
    }

    /** Sets up the call for Google's list. */
    public void prepare(Exchange exchange) {
        IncomingRequest.requireMethod(exchange.getMessage(), HttpMethod.GET);
        Upstream.call(exchange.getMessage(), null, "GET", "/models", "pageSize=1000");
    }

    /** {@code GET /v1/models/{model}}: asks Google about the (base) model so that an unknown id gets Google's 404. */
    public void prepareOne(Exchange exchange) {
        IncomingRequest.requireMethod(exchange.getMessage(), HttpMethod.GET);
        String id = exchange.getMessage().getHeader("model", String.class);
        // the id goes into Google's URL: the rule every surface checks, a 400 naming it (and never echoing it)
        String base = models.base(ModelParam.id(id));
        Upstream.call(exchange.getMessage(), base, "GET", "/models/" + base, null);
        exchange.setProperty(MODEL_ID, id);
    }

    /** Answers the one model in OpenAI's shape once Google knows it. */
    public void answerOne(Exchange exchange) throws Exception {
        if (!OpenAiReplies.isWholeSuccess(exchange.getMessage())) {
            return;
        }
        var model = models.one(exchange.getProperty(MODEL_ID, String.class));
        if (model == null) {
            throw new dev.caravan.errors.ClientError(404, "NOT_FOUND", "No such model");
        }
        UpstreamReply.reply(exchange.getMessage(), 200, OpenAiReplies.JSON, BufferJson.write(json, model));
    }

    /** Translates Google's list and keeps it. */
    public void answer(Exchange exchange) throws Exception {
        if (!OpenAiReplies.isWholeSuccess(exchange.getMessage())) {
            return;
        }
        JsonNode google = OpenAiReplies.googleAnswer(json, exchange.getMessage());
        if (known != null) {
            known.learnAll(models.listed(google));
        }
        Buffer body = BufferJson.write(json, models.toOpenAi(google));
        if (ttlMillis > 0) {
            snapshot = new Snapshot(body.copy(), clock.getAsLong() + ttlMillis);
        }
        UpstreamReply.reply(exchange.getMessage(), 200, OpenAiReplies.JSON, body);
    }
}
