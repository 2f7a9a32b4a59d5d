package dev.caravan.dialect.openai;

import static dev.caravan.dialect.openai.JsonAssert.assertJson;
import static dev.caravan.dialect.openai.JsonAssert.json;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The comparison every translation test relies on must itself tell different JSON apart. */
class JsonAssertTest {

    static Stream<Arguments> different() {
        return Stream.of(
                arguments("{\"a\":1}", "{\"a\":2}"),
                arguments("{\"a\":1}", "{\"a\":1.0}"),
                arguments("{\"a\":1}", "{\"a\":1,\"b\":null}"),
                arguments("{\"a\":\"1\"}", "{\"a\":1}"),
                arguments("[1,2]", "[2,1]"),
                arguments("{\"a\":{\"b\":[true]}}", "{\"a\":{\"b\":[false]}}"));
    }

    @ParameterizedTest(name = "{0} != {1}")
    @MethodSource("different")
    void failsOnDifferentJson(String actual, String expected) {
        assertThatThrownBy(() -> assertJson(json(actual), expected)).isInstanceOf(AssertionError.class);
    }

    @ParameterizedTest(name = "{0} == {1}")
    @MethodSource("different")
    void passesOnTheSameJsonWrittenDifferently(String actual, String ignored) {
        assertThatCode(() -> assertJson(json(actual), " " + actual.replace(",", " , ") + " ")).doesNotThrowAnyException();
    }
}
