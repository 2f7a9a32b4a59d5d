package dev.caravan.dialect;

import java.util.List;

import dev.caravan.config.StreamOptimizerSettings;

/**
 * gemini-balance's stream optimizer rule for one streamed text: how it is cut and how long each piece waits. A text
 * shorter than STREAM_LONG_TEXT_THRESHOLD goes one character at a time, a longer one in STREAM_CHUNK_SIZE pieces; each
 * piece is followed by STREAM_MAX_DELAY for a text up to STREAM_SHORT_TEXT_THRESHOLD characters, STREAM_MIN_DELAY
 * from STREAM_LONG_TEXT_THRESHOLD on, and in between {@code max - ln(n/short)/ln(long/short) * (max - min)}.
 * Characters are {@link TextUnits}, which is what Python's len() counts for all but combined characters.
 * Immutable; thread-safe.
 */
public final class TextPacing {

    private final long minDelayNanos;
    private final long maxDelayNanos;
    private final int shortThreshold;
    private final int longThreshold;
    private final int chunkSize;

    public TextPacing(StreamOptimizerSettings s) {
        this.minDelayNanos = Math.round(s.minDelaySeconds() * 1e9);
        this.maxDelayNanos = Math.round(s.maxDelaySeconds() * 1e9);
        this.shortThreshold = s.shortTextThreshold();
        this.longThreshold = s.longTextThreshold();
        this.chunkSize = s.chunkSize();
    }

    /** The pause after each piece of a text of {@code length} characters. */
    public long pauseNanos(int length) {
        if (length <= shortThreshold) {
            return maxDelayNanos;
        }
        if (length >= longThreshold) {
            return minDelayNanos;
        }
        // only reached when short < length < long, so both logarithms are positive
        double ratio = Math.log((double) length / shortThreshold) / Math.log((double) longThreshold / shortThreshold);
        return Math.round(maxDelayNanos - ratio * (maxDelayNanos - minDelayNanos));
    }

    /** Characters per piece for a text of {@code length} characters. */
    public int pieceSize(int length) {
        return length < longThreshold ? 1 : chunkSize;
    }

    /** {@code text} cut as a streamed text of {@code length} characters in all is cut. */
    public List<String> pieces(String text, int length) {
        return TextUnits.pieces(text, pieceSize(length));
    }
}
