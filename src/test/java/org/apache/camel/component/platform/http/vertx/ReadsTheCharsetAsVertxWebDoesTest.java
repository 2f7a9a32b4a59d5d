package org.apache.camel.component.platform.http.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.ext.web.impl.ParsableMIMEValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The event-loop consumer reads a body's charset from the Content-Type alone, where the stock consumer parses every
 * content-negotiation header for it: the answer must be the one Vert.x Web's parsed headers give, for any header.
 */
class ReadsTheCharsetAsVertxWebDoesTest {

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8",
            "application/json; charset=\"iso-8859-1\"", "text/plain; format=flowed", "text/plain; Charset=utf-8",
            "multipart/form-data; boundary=x; charset=utf-16", "application/json;", "application/json; charset=",
            "application/json; charset", " application/json ; charset=utf-8 ; q=0.5", "charset=utf-8"})
    void forEveryContentType(String contentType) {
        // the headers without parameters are the ones that matter: for them the consumer skips the parser
        // what the stock consumer reads: ctx.parsedHeaders().contentType(), made of the header or of ""
        String stock = new ParsableMIMEValue(contentType == null ? "" : contentType).forceParse().parameter("charset");

        assertThat(EventLoopPlatformHttpConsumer.charset(contentType)).isEqualTo(stock);
    }

    @Test
    void aCharsetThatIsThereIsFoundUnquoted() {
        assertThat(EventLoopPlatformHttpConsumer.charset("application/json; charset=utf-8")).isEqualTo("utf-8");
        assertThat(EventLoopPlatformHttpConsumer.charset("application/json;charset=\"iso-8859-1\""))
                .isEqualTo("iso-8859-1");
    }
}
