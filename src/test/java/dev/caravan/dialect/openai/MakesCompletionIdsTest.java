package dev.caravan.dialect.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class MakesCompletionIdsTest {

    @Test
    void idsAreThirtyTwoLowercaseHexDigitsAndDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        boolean[] digitSeen = new boolean[16];
        for (int i = 0; i < 10_000; i++) {
            String id = GeminiToOpenAi.randomId();
            assertThat(id).matches("[0-9a-f]{32}");
            assertThat(seen.add(id)).as("id %s repeated", id).isTrue();
            for (char c : id.toCharArray()) {
                digitSeen[Character.digit(c, 16)] = true;
            }
        }
        // every hex digit shows up: all 128 bits are used, not a fixed-width prefix of a smaller number
        for (int d = 0; d < 16; d++) {
            assertThat(digitSeen[d]).as("digit %x", d).isTrue();
        }
    }

    @Test
    void theLastDigitsVaryToo() {
        Set<Character> last = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            last.add(GeminiToOpenAi.randomId().charAt(31));
        }
        assertThat(last).hasSizeGreaterThan(8);
    }
}
