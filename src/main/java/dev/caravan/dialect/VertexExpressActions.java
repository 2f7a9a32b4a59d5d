package dev.caravan.dialect;

import java.util.Set;

import dev.caravan.errors.ClientError;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The methods of Vertex AI in express mode (routes/vertex-express.camel.yaml), after {@link GeminiRequest} read the
 * request: generateContent, streamGenerateContent and countTokens go to Vertex; any other method of a model is a 404
 * here rather than a call that Vertex would refuse with the pool's key. Listing models and reading one are left to
 * the route (gemini-balance answers them from the Gemini API, as Caravan does). Stateless; thread-safe.
 */
public final class VertexExpressActions implements Processor {

    /** What Vertex AI's express mode serves for a publisher model (its REST reference, v1beta1.publishers.models). */
    static final Set<String> SERVED = Set.of("generateContent", "streamGenerateContent", "countTokens");

    @Override
    public void process(Exchange exchange) {
        String op = exchange.getMessage().getHeader("op", String.class);
        int colon = op == null ? -1 : op.indexOf(':');
        if (colon >= 0 && !SERVED.contains(op.substring(colon + 1))) {
            throw new ClientError(404, "NOT_FOUND",
                    "Vertex AI Express serves generateContent, streamGenerateContent and countTokens");
        }
    }
}
