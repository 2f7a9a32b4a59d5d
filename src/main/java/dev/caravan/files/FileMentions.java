package dev.caravan.files;

import com.fasterxml.jackson.core.JsonFactory;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * Whether a request body may name a file ({@code fileUri} or {@code file_uri}), for the routes that send only such
 * requests to a worker thread for {@link FileAffinity}'s database lookup. The names as written cost one byte search;
 * JSON also lets a client write a name with escapes (fileUri with its U as a backslash-u escape is fileUri to Google),
 * which no byte search sees, so a body that holds an escape is read with a JSON parser here, on the event loop (CPU
 * only), and counts when a field of it is a file name. Thread-safe: immutable.
 */
public final class FileMentions implements Predicate {

    private final JsonFactory json;

    public FileMentions(JsonFactory json) {
        this.json = json;
    }

    @Override
    public boolean matches(Exchange exchange) {
        if (FileAffinity.WRITTEN.matches(exchange)) {
            return true;
        }
        return FileAffinity.ESCAPED.matches(exchange)
                && FileAffinity.namesFileFields(exchange.getMessage().getBody(), json);
    }
}
