package dev.caravan.dialect.openai;

import dev.caravan.upstream.Upstream;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * After {@code direct:upstream-call} on the OpenAI surface: an error answer (Google's, or the gateway's own, both in
 * Google's envelope) becomes OpenAI's envelope with the same status and message, so OpenAI's SDKs raise the
 * exception a caller expects. Successes and relayed streams pass untouched. Thread-safe.
 */
public final class OpenAiErrorReply implements Processor {

    private final OpenAiErrorDialect dialect;

    public OpenAiErrorReply(OpenAiErrorDialect dialect) {
        this.dialect = dialect;
    }

    @Override
    public void process(Exchange exchange) {
        Message msg = exchange.getMessage();
        Integer status = msg.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status == null || status < 400 || Upstream.RELAYED.equals(msg.getHeader(Upstream.OUTCOME))) {
            return;
        }
        byte[] google = Upstream.bodyBytes(msg);
        msg.setBody(google == null || google.length == 0
                ? OpenAiErrorBody.json(status, "Google answered HTTP " + status)
                : dialect.fromGoogle(status, google));
        msg.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=UTF-8");
    }
}
