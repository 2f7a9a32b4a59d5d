package dev.caravan.dialect.openai;

import java.util.Set;

/**
 * Maps Gemini's {@code finishReason} words onto OpenAI's {@code finish_reason}. Stateless;
 * thread-safe.
 */
final class FinishReasons {

    private static final Set<String> FILTERED = Set.of("SAFETY", "RECITATION", "PROHIBITED_CONTENT", "BLOCKLIST",
            "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION");

    private FinishReasons() {
    }

    /**
     * @param gemini Gemini's finish reason, or null
     * @return {@code length}, {@code content_filter} or {@code stop} (for {@code STOP}, unknown words and null)
     */
    static String of(String gemini) {
        if (gemini == null) {
            return "stop";
        }
        if (gemini.equals("MAX_TOKENS")) {
            return "length";
        }
        return FILTERED.contains(gemini) ? "content_filter" : "stop";
    }
}
