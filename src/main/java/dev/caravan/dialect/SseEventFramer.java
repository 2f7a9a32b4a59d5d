package dev.caravan.dialect;

import java.util.ArrayList;
import java.util.List;

import io.vertx.core.buffer.Buffer;

/**
 * Cuts a server-sent-events byte stream, fed in arbitrary pieces, into its events as they were sent: each event's
 * bytes up to and including the blank line that ends it, unchanged, so that an event nobody rewrites goes on byte for
 * byte. Lines may end in LF, CR LF or CR. One per stream; not thread-safe.
 */
public final class SseEventFramer {

    private Buffer pending = Buffer.buffer();
    /** Where scanning goes on in {@code pending}. */
    private int scanned;
    /** Where the current line starts in {@code pending}. */
    private int lineStart;
    /** The byte before {@code scanned} was a CR (a LF right after it ends no second line). */
    private boolean afterCr;

    /** The events that {@code bytes} completes, in order. */
    public List<Buffer> feed(Buffer bytes) {
        pending.appendBuffer(bytes);
        List<Buffer> events = new ArrayList<>(2);
        int eventStart = 0;
        int n = pending.length();
        for (int i = scanned; i < n; i++) {
            byte b = pending.getByte(i);
            if (b == '\n' && afterCr) {
                afterCr = false;
                lineStart = i + 1;
                continue;
            }
            afterCr = b == '\r';
            if (b == '\n' || b == '\r') {
                boolean blank = i == lineStart;
                lineStart = i + 1;
                if (blank) {
                    // a CR may still be followed by its LF: take it along when it is already here
                    int end = b == '\r' && i + 1 < n && pending.getByte(i + 1) == '\n' ? i + 2 : i + 1;
                    if (end == i + 2) {
                        afterCr = false;
                        i++;
                        lineStart = end;
                    }
                    events.add(pending.getBuffer(eventStart, end));
                    eventStart = end;
                }
            }
        }
        if (eventStart > 0) {
            pending = pending.getBuffer(eventStart, n);
            lineStart -= eventStart;
        }
        scanned = pending.length();
        return events;
    }

    /** Whatever came after the last complete event, and forgets it. */
    public Buffer rest() {
        Buffer rest = pending;
        pending = Buffer.buffer();
        scanned = 0;
        lineStart = 0;
        afterCr = false;
        return rest;
    }
}
