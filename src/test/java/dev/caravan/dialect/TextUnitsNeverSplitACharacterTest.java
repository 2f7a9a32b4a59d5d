package dev.caravan.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Re-cut text never splits a surrogate pair (its JSON would carry a lone surrogate) nor tears a mark, a modifier or a
 * joined emoji from its character.
 */
class TextUnitsNeverSplitACharacterTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "ascii                 | abc                                      | a,b,c",
            "surrogate pair        | a\uD83D\uDE00b                           | a,\uD83D\uDE00,b",
            "combining accent      | e\u0301x                                 | e\u0301,x",
            "two combining marks   | a\u0323\u0302                            | a\u0323\u0302",
            "skin tone modifier    | \uD83D\uDC4D\uD83C\uDFFD!                | \uD83D\uDC4D\uD83C\uDFFD,!",
            "zero width joiner     | \uD83D\uDC69\u200D\uD83D\uDCBBz           | \uD83D\uDC69\u200D\uD83D\uDCBB,z",
            "variation selector    | \u2764\uFE0F.                            | \u2764\uFE0F,.",
            "two flags             | \uD83C\uDDEB\uD83C\uDDF7\uD83C\uDDE9\uD83C\uDDEA | \uD83C\uDDEB\uD83C\uDDF7,\uD83C\uDDE9\uD83C\uDDEA",
            "CJK                   | 你好                                      | 你,好"})
    void oneUnitPerCharacter(String name, String text, String units) {
        assertThat(TextUnits.pieces(text.strip(), 1)).containsExactly(units.strip().split(","));
    }

    @Test
    void crLfStaysTogether() {
        assertThat(TextUnits.pieces("a\r\nb", 1)).containsExactly("a", "\r\n", "b");
    }

    @Test
    void piecesOfSeveralUnitsCutOnlyBetweenUnits() {
        String text = "ab\uD83D\uDE00cd\uD83D\uDE00e";

        List<String> pieces = TextUnits.pieces(text, 2);

        assertThat(pieces).containsExactly("ab", "\uD83D\uDE00c", "d\uD83D\uDE00", "e");
        assertThat(pieces).noneMatch(p -> Character.isHighSurrogate(p.charAt(p.length() - 1)));
        assertThat(TextUnits.count(text)).isEqualTo(7);
        assertThat(TextUnits.pieces("", 5)).isEmpty();
    }
}
