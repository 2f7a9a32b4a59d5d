package dev.caravan.dialect.openai;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a server-sent-events stream fed in arbitrary pieces (an event, a line or a UTF-8 character may be split
 * anywhere) and gives the {@code data} of each complete event: its {@code data:} lines joined by newlines. Lines
 * may end in {@code \n}, {@code \r\n} or {@code \r}; comments and other fields are skipped. One per stream; not
 * thread-safe.
 */
public final class SseEventParser {

    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer pendingBytes = ByteBuffer.allocate(0);
    private final StringBuilder line = new StringBuilder();
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private boolean afterCr;

    /** Feeds bytes; a multi-byte character split across calls is kept until it is whole. */
    public List<String> feed(byte[] bytes, int offset, int length) {
        ByteBuffer in = ByteBuffer.allocate(pendingBytes.remaining() + length);
        in.put(pendingBytes).put(bytes, offset, length).flip();
        CharBuffer chars = CharBuffer.allocate(in.remaining());
        utf8.decode(in, chars, false);
        pendingBytes = in.slice();
        return feed(chars.flip().toString());
    }

    public List<String> feed(byte[] bytes) {
        return feed(bytes, 0, bytes.length);
    }

    /** Feeds text. */
    public List<String> feed(String text) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (afterCr && c == '\n') {
                afterCr = false;
                continue;
            }
            afterCr = c == '\r';
            if (c == '\r' || c == '\n') {
                endLine(events);
            } else {
                line.append(c);
            }
        }
        return events;
    }

    /** Ends the stream: an event left without its closing blank line is still given. */
    public List<String> end() {
        List<String> events = new ArrayList<>();
        if (!line.isEmpty()) {
            endLine(events);
        }
        endLine(events);
        return events;
    }

    private void endLine(List<String> events) {
        if (line.isEmpty()) {
            if (hasData) {
                events.add(data.toString());
            }
            data.setLength(0);
            hasData = false;
            return;
        }
        field(line.toString());
        line.setLength(0);
    }

    private void field(String text) {
        int colon = text.indexOf(':');
        String name = colon < 0 ? text : text.substring(0, colon);
        if (!name.equals("data")) {
            return;
        }
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (hasData) {
            data.append('\n');
        }
        data.append(value);
        hasData = true;
    }
}
