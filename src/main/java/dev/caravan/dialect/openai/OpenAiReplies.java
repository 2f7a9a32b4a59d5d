package dev.caravan.dialect.openai;

import dev.caravan.upstream.RequestContext;
import dev.caravan.upstream.UpstreamResult;

/** What the OpenAI reply steps share: when there is a Google answer to translate. */
final class OpenAiReplies {

    static final String JSON = "application/json";

    private OpenAiReplies() {
    }

    /** True when Google answered 2xx with a whole body; errors and relayed streams are answered already. */
    static boolean isWholeSuccess(RequestContext ctx) {
        UpstreamResult r = ctx.result();
        return !ctx.noKeyAtAll() && r != null && !r.committed() && r.status() >= 200 && r.status() < 300 && r.body() != null;
    }
}
