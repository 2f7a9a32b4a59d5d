package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Pasted text of any shape yields its Google keys once each, in order; look-alikes are left alone. */
class KeyExtractorFindsKeysInAnyTextTest {

    private static final String K1 = "AIza" + "SyA1234567890abcdefghijklmnopqrstuv";
    private static final String K2 = "AIza" + "-_cdefghijklmnopqrstuvwxyz012345678";

    private final KeyExtractor extractor = new KeyExtractor();

    @Test
    void findsKeysInEnvJsonCsvAndProse() {
        String text = "API_KEYS=[\"" + K1 + "\",\"" + K2 + "\"]\n"
                + "name,key\nmine," + K1 + "\n"
                + "my other key is " + K2 + ", thanks";

        KeyExtractor.Found found = extractor.extract(text);

        assertThat(found.keys()).containsExactly(K1, K2);
        assertThat(found.repeated()).isEqualTo(2);
    }

    @Test
    void leavesLookAlikesAlone() {
        String text = "AIzaTooShort " + K1 + "X " + "xx" + K2 + " AIza" + "a".repeat(34) + " aIza" + K1.substring(4);

        assertThat(extractor.extract(text).keys()).isEmpty();
        assertThat(extractor.extract(null).keys()).isEmpty();
        assertThat(extractor.extract("").keys()).isEmpty();
    }
}
