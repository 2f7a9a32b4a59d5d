package dev.caravan.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * gemini-balance keeps its settings as text (lists and dictionaries as JSON, sometimes with Python's single quotes,
 * lists also comma-separated, booleans in lower case): a value of theirs is the environment's when it means the same,
 * and a dictionary with single quotes becomes JSON Caravan's parsers read.
 */
class GeminiBalanceSettingsReadsTheirValuesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[\"gemini-2.5-flash\", \"gemini-2.5-pro\"] | [\"gemini-2.5-flash\",\"gemini-2.5-pro\"] | true",
            "gemini-2.5-flash,gemini-2.5-pro | [\"gemini-2.5-flash\",\"gemini-2.5-pro\"] | true",
            "[\"gemini-2.5-pro\"] | [\"gemini-2.5-flash\"] | false",
            "[] | '' | true",
            "300 | 300 | true",
            "300.0 | 300 | true",
            "10 | 3 | false",
            "True | true | true",
            "false | true | false",
            "{\"a\": 1} | {\"a\":1} | true",
            "sk-Token-1 | sk-token-1 | false",
            "INFO | INFO | true"})
    void sameValueComparesMeaningNotSpelling(String theirs, String environment, boolean same) {
        assertThat(GeminiBalanceSettings.sameValue(theirs, environment)).isEqualTo(same);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{'gemini-2.5-flash': 1024.0} | {\"gemini-2.5-flash\": 1024.0}",
            "{\"gemini-2.5-flash\": -1} | {\"gemini-2.5-flash\": -1}",
            "' padded ' | padded",
            "[\"a\"] | [\"a\"]"})
    void normalisedTurnsPythonDictionariesIntoJson(String theirs, String expected) {
        assertThat(GeminiBalanceSettings.normalised(theirs)).isEqualTo(expected);
    }
}
