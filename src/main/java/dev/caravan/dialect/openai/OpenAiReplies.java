package dev.caravan.dialect.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.errors.ClientError;
import dev.caravan.http.BufferJson;
import dev.caravan.upstream.Upstream;
import org.apache.camel.Message;

/** What the OpenAI reply steps share: when there is a Google answer to translate, and reading it. */
final class OpenAiReplies {

    static final String JSON = "application/json";

    private OpenAiReplies() {
    }

    /** True when Google answered 2xx with a whole body; errors and relayed streams are answered already. */
    static boolean isWholeSuccess(Message out) {
        return Upstream.answeredWell(out);
    }

    /**
     * Google's successful answer as a JSON object. Anything else (an HTML page from a proxy on the way, a body cut
     * short, an array) is Google's side failing, not the client's request: a 502, where the parse error alone would
     * have been rendered as the client's invalid JSON (400).
     */
    static JsonNode googleAnswer(ObjectMapper json, Message out) throws java.io.IOException {
        JsonNode answer;
        try {
            answer = BufferJson.tree(json, out);
        } catch (JsonProcessingException e) {
            throw unreadable();
        }
        if (!answer.isObject()) {
            throw unreadable();
        }
        return answer;
    }

    private static ClientError unreadable() {
        return new ClientError(502, "UNAVAILABLE", "Google's answer could not be read: it is not a JSON object");
    }
}
