package dev.caravan.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The method after the colon ({model}:{action}) is 1 to 64 ASCII letters, checked by a loop instead of a regex. */
class GeminiRequestActionRuleTest {

    @Test
    void lettersOnlyAndAtMostSixtyFour() {
        assertThat(GeminiRequest.isAction("generateContent")).isTrue();
        assertThat(GeminiRequest.isAction("streamGenerateContent")).isTrue();
        assertThat(GeminiRequest.isAction("a".repeat(64))).isTrue();
        assertThat(GeminiRequest.isAction("a".repeat(65))).isFalse();
        assertThat(GeminiRequest.isAction("")).isFalse();
        for (String bad : new String[] {"count-tokens", "embed_content", "v2", "generate Content", "x:y", "é", "../a"}) {
            assertThat(GeminiRequest.isAction(bad)).as(bad).isFalse();
        }
    }
}
