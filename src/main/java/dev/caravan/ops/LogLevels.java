package dev.caravan.ops;

import dev.caravan.config.LogLevel;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Puts LOG_LEVEL in force for Caravan's own loggers ({@code dev.caravan}; Camel's and Vert.x's keep their levels in
 * log4j2.properties), at start and whenever the settings in force change. Thread-safe: log4j applies a level change
 * atomically.
 */
public final class LogLevels {

    /** The logger LOG_LEVEL governs. */
    public static final String CARAVAN = "dev.caravan";

    private LogLevels() {
    }

    /** Sets Caravan's level to {@code log4jName} (as {@link LogLevel#log4jName} gives it). */
    public static void apply(String log4jName) {
        Configurator.setLevel(CARAVAN, Level.toLevel(log4jName, Level.INFO));
    }

    /**
     * As early as possible, before the settings are read: the raw LOG_LEVEL, when it names a level. A wrong one is
     * left alone here: reading the settings stops start-up naming it.
     */
    public static void applyEarly(String raw) {
        if (raw == null) {
            return;
        }
        try {
            apply(LogLevel.log4jName(raw));
        } catch (IllegalArgumentException e) {
            // reported by Settings, with the variable's name
        }
    }
}
