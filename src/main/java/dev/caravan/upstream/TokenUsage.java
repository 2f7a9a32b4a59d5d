package dev.caravan.upstream;

import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;

/**
 * The token counts of Google's {@code usageMetadata}: prompt, completion (candidates), thoughts and total, each
 * null when Google did not say. Read from the last {@code "usageMetadata"} object in an answer or in the tail of a
 * stream (Google's last event carries the final counts), without building a tree of the whole answer.
 * Stateless; thread-safe.
 */
public record TokenUsage(Integer prompt, Integer completion, Integer thoughts, Integer total) {

    public static final TokenUsage NONE = new TokenUsage(null, null, null, null);

    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] FIELD = "\"usageMetadata\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The counts in a whole answer (or the last chunks of a stream), or {@link #NONE}. */
    public static TokenUsage of(byte[] bytes) {
        return bytes == null ? NONE : of(bytes, 0, bytes.length);
    }

    /** The counts in an answer held in a Vert.x buffer, read in place when it is backed by an array (no copy). */
    public static TokenUsage of(Buffer answer) {
        if (answer == null) {
            return NONE;
        }
        io.netty.buffer.ByteBuf buf = dev.caravan.http.BufferJson.bytes(answer);
        if (buf.hasArray()) {
            return of(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
        }
        return of(answer.getBytes());
    }

    /**
     * The counts of a {@code usageMetadata} object already read into a tree (null: none), read as the bytes are:
     * a count that is not a whole number that fits an int is unknown.
     */
    public static TokenUsage of(JsonNode usageMetadata) {
        if (usageMetadata == null || !usageMetadata.isObject()) {
            return NONE;
        }
        return new TokenUsage(count(usageMetadata, "promptTokenCount"), count(usageMetadata, "candidatesTokenCount"),
                count(usageMetadata, "thoughtsTokenCount"), count(usageMetadata, "totalTokenCount"));
    }

    private static Integer count(JsonNode usageMetadata, String name) {
        JsonNode v = usageMetadata.get(name);
        return v != null && v.isIntegralNumber() && v.canConvertToInt() ? v.intValue() : null;
    }

    /** The counts in {@code length} bytes of {@code bytes} from {@code offset}. */
    private static TokenUsage of(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int at = lastField(bytes, offset, end);
        if (at < 0) {
            return NONE;
        }
        int i = at + FIELD.length;
        while (i < end && (bytes[i] == ' ' || bytes[i] == ':' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t')) {
            i++;
        }
        if (i >= end || bytes[i] != '{') {
            return NONE;
        }
        Integer prompt = null;
        Integer completion = null;
        Integer thoughts = null;
        Integer total = null;
        try (JsonParser p = JSON.createParser(bytes, i, end - i)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.VALUE_NUMBER_INT) {
                    switch (name) {
                        case "promptTokenCount" -> prompt = p.getIntValue();
                        case "candidatesTokenCount" -> completion = p.getIntValue();
                        case "thoughtsTokenCount" -> thoughts = p.getIntValue();
                        case "totalTokenCount" -> total = p.getIntValue();
                        default -> { }
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (Exception truncated) {
            // a stream tail may start mid-object, or Google's JSON may be cut: keep what was read
        }
        return new TokenUsage(prompt, completion, thoughts, total);
    }

    /** The counts in the last chunks of a relayed stream, oldest first. */
    public static TokenUsage ofStreamTail(List<Buffer> chunks) {
        if (chunks.isEmpty()) {
            return NONE;
        }
        Buffer all = Buffer.buffer();
        for (Buffer b : chunks) {
            all.appendBuffer(b);
        }
        return of(all);
    }

    /** The last occurrence of the field name that is not inside a string (an escaped quote precedes those). */
    private static int lastField(byte[] b, int from, int end) {
        outer:
        for (int i = end - FIELD.length; i >= from; i--) {
            for (int j = 0; j < FIELD.length; j++) {
                if (b[i + j] != FIELD[j]) {
                    continue outer;
                }
            }
            if (i > from && b[i - 1] == '\\') {
                continue;
            }
            return i;
        }
        return -1;
    }
}
