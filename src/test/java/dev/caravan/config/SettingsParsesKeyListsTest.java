package dev.caravan.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * API_KEYS and ALLOWED_TOKENS come as gemini-balance writes them, a JSON array, or as a comma list: items trimmed,
 * stray quotes stripped, blanks and repeats dropped, order kept.
 */
class SettingsParsesKeyListsTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "[\"AIzaOne\",\"AIzaTwo\",\"AIzaThree\"]",
            "[ \"AIzaOne\" , \" AIzaTwo \",\"AIzaOne\", \"\", \"AIzaThree\"]",
            "AIzaOne,AIzaTwo,AIzaThree",
            " AIzaOne , AIzaTwo ,, AIzaOne ,AIzaThree, ",
            "\"AIzaOne\",'AIzaTwo', \"AIzaThree\"",
            "AIzaOne,\"AIzaTwo\",AIzaTwo,AIzaThree,AIzaThree",
    })
    void readsTheSameKeysWhenApiKeysIsWrittenAs(String raw) {
        Settings s = Settings.from(ValidProperties.with("caravan.api-keys", raw));

        assertThat(s.apiKeys()).containsExactly("AIzaOne", "AIzaTwo", "AIzaThree");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[\"tok-1\", \"tok-2\"]", "tok-1, tok-2", "'tok-1','tok-2',tok-1"})
    void readsAllowedTokensLikeApiKeysWhenWrittenAs(String raw) {
        Settings s = Settings.from(ValidProperties.with("caravan.allowed-tokens", raw));

        assertThat(s.allowedTokens()).containsExactly("tok-1", "tok-2");
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(value = {"''", "'   '", "'[]'", "'[\"\", \"  \"]'", "',, ,'"}, quoteCharacter = '\'')
    void readsNoKeysWhenApiKeysIsEmptyOrBlank(String raw) {
        Settings s = Settings.from(ValidProperties.with("caravan.api-keys", raw == null ? "" : raw));

        assertThat(s.apiKeys()).isEqualTo(List.of());
    }

    @Test
    void keepsCommasInsideItemsWhenApiKeysIsAJsonArray() {
        Settings s = Settings.from(ValidProperties.with("caravan.api-keys", "[\"a,b\"]"));

        assertThat(s.apiKeys()).containsExactly("a,b");
    }
}
