package dev.caravan.dialect;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts text into user-perceived characters, so that text re-cut for a stream never splits a UTF-16 surrogate pair (a
 * lone surrogate is no valid JSON text) nor tears a combining mark, a variation selector, an emoji modifier or a
 * zero-width-joiner sequence from the character it belongs to. An approximation of Unicode's extended grapheme
 * clusters that needs no tables: it also keeps CR LF and regional-indicator pairs (flags) whole. Stateless; thread-safe.
 */
public final class TextUnits {

    private static final int ZWJ = 0x200D;

    private TextUnits() {
    }

    /** Where each unit starts (char indices, ascending, the first 0), for non-empty text; none for empty text. */
    public static int[] starts(String text) {
        int[] starts = new int[text.length()];
        int n = 0;
        int prev = -1;
        int regionalRun = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            boolean joins = prev >= 0 && (prev == ZWJ || extends_(cp) || prev == '\r' && cp == '\n'
                    || regional(cp) && regional(prev) && regionalRun % 2 == 1);
            if (!joins) {
                starts[n++] = i;
            }
            regionalRun = regional(cp) ? regionalRun + 1 : 0;
            prev = cp;
            i += Character.charCount(cp);
        }
        return java.util.Arrays.copyOf(starts, n);
    }

    /** How many units {@code text} has. */
    public static int count(String text) {
        return starts(text).length;
    }

    /** {@code text} in pieces of {@code size} units each (the last may be shorter); none for empty text. */
    public static List<String> pieces(String text, int size) {
        int[] starts = starts(text);
        List<String> out = new ArrayList<>((starts.length + size - 1) / size);
        for (int k = 0; k < starts.length; k += size) {
            int end = k + size < starts.length ? starts[k + size] : text.length();
            out.add(text.substring(starts[k], end));
        }
        return out;
    }

    /** A code point that belongs to the character before it. */
    private static boolean extends_(int cp) {
        if (cp == ZWJ || cp >= 0xFE00 && cp <= 0xFE0F || cp >= 0xE0100 && cp <= 0xE01EF
                || cp >= 0x1F3FB && cp <= 0x1F3FF || cp >= 0xE0020 && cp <= 0xE007F) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK;
    }

    private static boolean regional(int cp) {
        return cp >= 0x1F1E6 && cp <= 0x1F1FF;
    }
}
