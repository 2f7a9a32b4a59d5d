package dev.caravan.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.config.StreamOptimizerSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * gemini-balance's stream optimizer rule with its defaults (0.016 s, 0.024 s, 10, 50, 5): texts under 50 characters go
 * one character at a time, longer ones in 5-character pieces; the pause is 24 ms up to 10 characters, 16 ms from 50
 * on, and in between max - ln(n/10)/ln(5) * 8 ms.
 */
class TextPacingCutsLikeGeminiBalanceTest {

    private static final TextPacing DEFAULTS = new TextPacing(new StreamOptimizerSettings(true, 0.016, 0.024, 10, 50, 5));

    @ParameterizedTest(name = "{0} characters: {1} pieces, {2} ns after each")
    @CsvSource({
            "1, 1, 24000000",
            "10, 10, 24000000",
            "11, 11, 23526244",
            "20, 20, 20554588",
            "49, 49, 16100421",
            "50, 10, 16000000",
            "60, 12, 16000000",
            "61, 13, 16000000",
            "1000, 200, 16000000"})
    void cutsAndPauses(int length, int pieces, long pauseNanos) {
        String text = "x".repeat(length);

        assertThat(DEFAULTS.pieces(text, length)).hasSize(pieces);
        assertThat(String.join("", DEFAULTS.pieces(text, length))).isEqualTo(text);
        assertThat(DEFAULTS.pauseNanos(length)).isCloseTo(pauseNanos, org.assertj.core.data.Offset.offset(2L));
    }

    @ParameterizedTest(name = "long threshold {0} not above short threshold {1}: no division by a non-positive log")
    @CsvSource({"10, 10", "5, 10"})
    void thresholdsInTheWrongOrderStillGiveOneOfTheTwoPauses(int longThreshold, int shortThreshold) {
        TextPacing odd = new TextPacing(new StreamOptimizerSettings(true, 0.016, 0.024, shortThreshold, longThreshold, 5));

        for (int n = 1; n < 20; n++) {
            assertThat(odd.pauseNanos(n)).isIn(16_000_000L, 24_000_000L);
        }
    }
}
