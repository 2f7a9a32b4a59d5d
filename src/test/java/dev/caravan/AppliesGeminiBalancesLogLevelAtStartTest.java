package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import dev.caravan.support.Gateway;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * gemini-balance's LOG_LEVEL=warning, which log4j does not know by that name, puts Caravan's loggers at WARN from
 * start-up on (log4j alone would have silently kept INFO).
 */
class AppliesGeminiBalancesLogLevelAtStartTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withEnvironment(Map.of(
            "API_KEYS", "[\"level-key-a\"]",
            "ALLOWED_TOKENS", "[\"" + Gateway.TOKEN + "\"]",
            "AUTH_TOKEN", Gateway.ADMIN_TOKEN,
            "LOG_LEVEL", "WARNING"));

    @AfterAll
    static void backToInfo() {
        dev.caravan.ops.LogLevels.apply("INFO");
    }

    @Test
    void warningIsLog4jsWarnForCaravansLoggers() throws Exception {
        assertThat(gateway.caravan().configuration().settings().logLevel()).isEqualTo("WARN");
        assertThat(LogManager.getLogger("dev.caravan.Caravan").isEnabled(Level.INFO)).isFalse();
        assertThat(LogManager.getLogger("dev.caravan.Caravan").isEnabled(Level.WARN)).isTrue();
        // and it still serves
        assertThat(gateway.get("/health").statusCode()).isEqualTo(200);
    }
}
