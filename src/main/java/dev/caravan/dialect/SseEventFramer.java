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
    /** The byte before {@code scanned} ended a line with a CR (a LF right after it ends no second line). */
    private boolean afterCr;

    /** The events that {@code bytes} completes, in order. */
    public List<Buffer> feed(Buffer bytes) {
        pending.appendBuffer(bytes);
        List<Buffer> events = new ArrayList<>(2);
        int eventStart = 0;
        int n = pending.length();
        int i = scanned;
        for (; i < n; i++) {
            byte b = pending.getByte(i);
            if (b == '\n' && afterCr) {
                afterCr = false;
                lineStart = i + 1;
                continue;
            }
            if ((b == '\n' || b == '\r') && i == lineStart) {
                // a blank line ends the event; a CR may still have its LF to come, which belongs to this event
                if (b == '\r' && i + 1 == n) {
                    break;
                }
                int end = b == '\r' && pending.getByte(i + 1) == '\n' ? i + 2 : i + 1;
                events.add(pending.getBuffer(eventStart, end));
                eventStart = end;
                afterCr = false;
                lineStart = end;
                i = end - 1;
                continue;
            }
            afterCr = b == '\r';
            if (b == '\n' || b == '\r') {
                lineStart = i + 1;
            }
        }
        if (eventStart > 0) {
            pending = pending.getBuffer(eventStart, n);
            lineStart -= eventStart;
            i -= eventStart;
        }
        scanned = i;
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
