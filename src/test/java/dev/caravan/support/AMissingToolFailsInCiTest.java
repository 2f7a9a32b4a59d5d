package dev.caravan.support;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Issue 10, finding 7: a test whose tool is missing is skipped on a developer's machine, and fails in CI
 * (CI=true), where .ci/run installs every tool and a skip would pass the build without the test.
 */
class AMissingToolFailsInCiTest {

    private static final Path MISSING = Path.of("/nonexistent/caravan-test-tool");
    /** Any executable file will do; /bin/sh is on every machine that runs Maven. */
    private static final Path PRESENT = Path.of("/bin/sh");

    @Test
    void failsWhenCiIsTrue() {
        assertThatThrownBy(() -> RequiredTools.require(Map.of("CI", "true"), "the browser test", PRESENT, MISSING))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("CI=true")
                .hasMessageContaining(MISSING.toString())
                .hasMessageNotContaining(PRESENT.toString());
        assertThatThrownBy(() -> RequiredTools.require(Map.of("CI", "1"), "x", MISSING))
                .isInstanceOf(AssertionFailedError.class);
    }

    @Test
    void skipsOutsideCi() {
        assertThatThrownBy(() -> RequiredTools.require(Map.of(), "the browser test", MISSING))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining(MISSING.toString());
        assertThatThrownBy(() -> RequiredTools.require(Map.of("CI", "false"), "the browser test", MISSING))
                .isInstanceOf(TestAbortedException.class);
    }

    @Test
    void runsWhenEveryToolIsThere() {
        assertThatCode(() -> RequiredTools.require(Map.of("CI", "true"), "x", PRESENT)).doesNotThrowAnyException();
        assertThatCode(() -> RequiredTools.require(Map.of(), "x", PRESENT)).doesNotThrowAnyException();
    }
}
