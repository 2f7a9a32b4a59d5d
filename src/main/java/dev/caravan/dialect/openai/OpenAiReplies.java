package dev.caravan.dialect.openai;

import dev.caravan.upstream.Upstream;
import org.apache.camel.Message;

/** What the OpenAI reply steps share: when there is a Google answer to translate. */
final class OpenAiReplies {

    static final String JSON = "application/json";

    private OpenAiReplies() {
    }

    /** True when Google answered 2xx with a whole body; errors and relayed streams are answered already. */
    static boolean isWholeSuccess(Message out) {
        return Upstream.answeredWell(out);
    }
}
