package dev.caravan.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The one rule for client model names: ids as Google spells them, optionally after models/, and nothing else. */
class ModelNameAcceptsOnlyGoogleIdsTest {

    static Stream<Arguments> names() {
        return Stream.of(
                Arguments.of("gemini-2.5-flash", "gemini-2.5-flash"),
                Arguments.of("models/gemini-2.5-flash", "gemini-2.5-flash"),
                Arguments.of("imagen-4.0-generate-001", "imagen-4.0-generate-001"),
                Arguments.of("gemini_exp.1206", "gemini_exp.1206"),
                Arguments.of("a".repeat(128), "a".repeat(128)),
                Arguments.of("a".repeat(129), null),
                Arguments.of("a".repeat(64 * 1024), null),
                Arguments.of("", null),
                Arguments.of(null, null),
                Arguments.of("models/", null),
                Arguments.of("gemini 2.5", null),
                Arguments.of("gemini\r\nX", null),
                Arguments.of("gemini\n", null),
                Arguments.of("../../v1beta/files?x=", null),
                Arguments.of("gemini-2.5-flash?key=x&", null),
                Arguments.of("gemini-2.5-flash:generateContent", null),
                Arguments.of("models/../x", null),
                Arguments.of("tunedModels/x", null),
                Arguments.of(".hidden", null),
                Arguments.of("-flag", null),
                Arguments.of("gemini%2F", null),
                Arguments.of("gémini", null),
                Arguments.of("models/models/gemini-2.5-flash", null));
    }

    @ParameterizedTest
    @MethodSource("names")
    void acceptsOnlyWhatGoogleAccepts(String name, String expectedId) {
        assertThat(ModelName.id(name)).isEqualTo(expectedId);
        if (name != null && !name.startsWith("models/")) {
            assertThat(ModelName.isValid(name)).isEqualTo(expectedId != null);
        }
    }
}
