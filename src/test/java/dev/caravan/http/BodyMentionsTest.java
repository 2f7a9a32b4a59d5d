package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BodyMentionsTest {

    private final BodyMentions files = new BodyMentions("fileUri", "file_uri");
    private final BodyMentions images = new BodyMentions("image_url");

    @ParameterizedTest(name = "[{index}] {0} -> files {1}, images {2}")
    @CsvSource(delimiter = '|', value = {
            "'{\"fileData\":{\"fileUri\":\"files/abc\"}}'           | true  | false",
            "'{\"file_data\":{\"file_uri\":\"files/abc\"}}'         | true  | false",
            "fileUri                                                | true  | false",
            "'xfileUr'                                              | false | false",
            "'fileUr'                                               | false | false",
            "'file_ur i fileuri FILEURI file uri'                   | false | false",
            "'{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}' | false | true",
            "'image_ur'                                             | false | false",
            "'imageurl image-url image_urL'                         | false | false",
            "'a long prompt about files and images ending in image_url' | false | true",
            "'_______U_____ileUri fileUr fileUri'                   | true  | false",
            "''                                                     | false | false",
    })
    void findsEachWordWhereverItIs(String body, boolean mentionsFiles, boolean mentionsImages) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (Object form : new Object[] {
                Buffer.buffer(bytes), directBuffer(bytes), slicedBuffer(bytes), body, bytes}) {
            assertThat(files.matches(exchange(form))).as("files in %s", form.getClass()).isEqualTo(mentionsFiles);
            assertThat(images.matches(exchange(form))).as("images in %s", form.getClass()).isEqualTo(mentionsImages);
        }
    }

    @Test
    void countsABodyNotReadYetAsMentioning() {
        assertThat(files.matches(exchange(new ByteArrayInputStream(new byte[0])))).isTrue();
        assertThat(files.matches(exchange(null))).isFalse();
    }

    private static Buffer directBuffer(byte[] bytes) {
        ByteBuf direct = Unpooled.directBuffer(bytes.length);
        direct.writeBytes(bytes);
        return Buffer.buffer(direct);
    }

    /** The word must not be found in the bytes around the buffer's readable part. */
    private static Buffer slicedBuffer(byte[] bytes) {
        byte[] padded = ("fileUri image_url" + new String(bytes, StandardCharsets.UTF_8) + "fileUri image_url")
                .getBytes(StandardCharsets.UTF_8);
        ByteBuf b = Unpooled.wrappedBuffer(padded).slice(17, bytes.length);
        return Buffer.buffer(b);
    }

    private static Exchange exchange(Object body) {
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        e.getMessage().setBody(body);
        return e;
    }
}
