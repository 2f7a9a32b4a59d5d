package dev.caravan.upstream;

import org.apache.camel.Exchange;

/**
 * Makes the {@link StreamShaper} that one relayed stream goes through. A route names it by its registry name in
 * {@link Upstream#STREAM_TRANSLATION}; implementations are thread-safe, each shaper serves one stream.
 */
@FunctionalInterface
public interface StreamTranslation {

    /** The shaper for the stream the exchange asks for (called once per request, before the first attempt). */
    StreamShaper open(Exchange exchange);
}
