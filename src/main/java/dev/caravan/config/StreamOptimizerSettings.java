package dev.caravan.config;

/**
 * gemini-balance's stream optimizer settings (STREAM_OPTIMIZER_ENABLED and the five that shape it): while enabled, the
 * text of each streamed event reaches the client re-cut into characters (texts shorter than
 * {@code longTextThreshold}) or {@code chunkSize}-character pieces, each followed by a pause of
 * {@code maxDelaySeconds} for texts up to {@code shortTextThreshold} characters, {@code minDelaySeconds} from
 * {@code longTextThreshold} on, and in between a value interpolated on a logarithmic scale. Immutable.
 *
 * @param enabled            STREAM_OPTIMIZER_ENABLED (default false)
 * @param minDelaySeconds    STREAM_MIN_DELAY (0.016): the pause for long texts
 * @param maxDelaySeconds    STREAM_MAX_DELAY (0.024): the pause for short texts
 * @param shortTextThreshold STREAM_SHORT_TEXT_THRESHOLD (10)
 * @param longTextThreshold  STREAM_LONG_TEXT_THRESHOLD (50)
 * @param chunkSize          STREAM_CHUNK_SIZE (5)
 */
public record StreamOptimizerSettings(boolean enabled, double minDelaySeconds, double maxDelaySeconds,
                                      int shortTextThreshold, int longTextThreshold, int chunkSize) {
}
