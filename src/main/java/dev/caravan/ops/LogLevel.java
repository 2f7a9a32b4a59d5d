package dev.caravan.ops;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * LOG_LEVEL: Caravan's own loggers ({@code dev.caravan}) at the level in force, changed while Caravan runs when an
 * operator saves another on the admin page, as gemini-balance does. Camel's and Vert.x's levels stay as
 * log4j2.properties sets them. Thread-safe (log4j's reconfiguration is).
 */
public final class LogLevel {

    static final String LOGGER = "dev.caravan";

    /** @param level a level as {@link dev.caravan.config.Settings#logLevel()} gives it (DEBUG, INFO, WARN, ...) */
    public void apply(String level) {
        Configurator.setLevel(LOGGER, Level.toLevel(level, Level.INFO));
    }

    /** The level Caravan's loggers log at now. */
    public String current() {
        return org.apache.logging.log4j.LogManager.getLogger(LOGGER).getLevel().name();
    }
}
