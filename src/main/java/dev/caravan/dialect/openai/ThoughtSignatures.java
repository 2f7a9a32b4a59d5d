package dev.caravan.dialect.openai;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the Gemini {@code thoughtSignature} of each function call by the OpenAI tool call id it was given, so
 * that a client that sends the call back without Google's {@code extra_content} still gets a valid Gemini 3 turn.
 * Bounded: the least recently used entries go first. Every method is synchronized; safe to share between threads.
 */
public final class ThoughtSignatures {

    public static final int DEFAULT_CAPACITY = 10_000;

    private final Map<String, String> byToolCallId;

    public ThoughtSignatures() {
        this(DEFAULT_CAPACITY);
    }

    public ThoughtSignatures(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.byToolCallId = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized void remember(String toolCallId, String signature) {
        if (toolCallId != null && signature != null) {
            byToolCallId.put(toolCallId, signature);
        }
    }

    /** The signature of that tool call, or null when it was never seen or has been evicted. */
    public synchronized String recall(String toolCallId) {
        return toolCallId == null ? null : byToolCallId.get(toolCallId);
    }

    public synchronized int size() {
        return byToolCallId.size();
    }
}
