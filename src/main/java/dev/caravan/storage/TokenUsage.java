package dev.caravan.storage;

import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
        if (bytes == null) {
            return NONE;
        }
        int at = lastField(bytes);
        if (at < 0) {
            return NONE;
        }
        int i = at + FIELD.length;
        while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == ':' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t')) {
            i++;
        }
        if (i >= bytes.length || bytes[i] != '{') {
            return NONE;
        }
        Integer prompt = null;
        Integer completion = null;
        Integer thoughts = null;
        Integer total = null;
        try (JsonParser p = JSON.createParser(bytes, i, bytes.length - i)) {
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
        return of(all.getBytes());
    }

    /** The last occurrence of the field name that is not inside a string (an escaped quote precedes those). */
    private static int lastField(byte[] b) {
        outer:
        for (int i = b.length - FIELD.length; i >= 0; i--) {
            for (int j = 0; j < FIELD.length; j++) {
                if (b[i + j] != FIELD[j]) {
                    continue outer;
                }
            }
            if (i > 0 && b[i - 1] == '\\') {
                continue;
            }
            return i;
        }
        return -1;
    }
}
