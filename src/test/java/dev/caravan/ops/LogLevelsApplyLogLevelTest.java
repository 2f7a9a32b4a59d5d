package dev.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** LOG_LEVEL reaches log4j for Caravan's loggers, gemini-balance's warning and critical included; a wrong one waits for Settings. */
class LogLevelsApplyLogLevelTest {

    private final Logger caravan = LogManager.getLogger("dev.caravan.keys.SomeBean");
    private final Logger camel = LogManager.getLogger("org.apache.camel.SomeComponent");

    @AfterEach
    void backToInfo() {
        LogLevels.apply("INFO");
    }

    @Test
    void warningHidesInfoLinesOfCaravanOnly() {
        LogLevels.applyEarly("warning");

        assertThat(caravan.isEnabled(Level.INFO)).isFalse();
        assertThat(caravan.isEnabled(Level.WARN)).isTrue();
        assertThat(camel.isEnabled(Level.INFO)).as("Camel keeps its own level").isTrue();
    }

    @Test
    void criticalIsFatal() {
        LogLevels.applyEarly("CRITICAL");

        assertThat(caravan.isEnabled(Level.ERROR)).isFalse();
        assertThat(caravan.isEnabled(Level.FATAL)).isTrue();
    }

    @Test
    void debugShowsDebugLines() {
        LogLevels.applyEarly("debug");

        assertThat(caravan.isEnabled(Level.DEBUG)).isTrue();
    }

    @Test
    void aWrongOrMissingLevelChangesNothingEarly() {
        LogLevels.apply("ERROR");

        LogLevels.applyEarly("verbose");
        LogLevels.applyEarly(null);

        assertThat(caravan.isEnabled(Level.WARN)).isFalse();
        assertThat(caravan.isEnabled(Level.ERROR)).isTrue();
    }
}
