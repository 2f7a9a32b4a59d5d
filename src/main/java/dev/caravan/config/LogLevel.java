package dev.caravan.config;

import java.util.Locale;
import java.util.Map;

/**
 * LOG_LEVEL as gemini-balance reads it (debug, info, warning, error, critical, in any case: Python's level names)
 * turned into the name log4j gives the same level; log4j's own names (trace, warn, fatal, off) are taken too, since
 * Caravan handed LOG_LEVEL to log4j as written before. Python's {@code warning} and {@code critical} are unknown to
 * log4j, which would silently fall back to another level. Stateless; thread-safe.
 */
public final class LogLevel {

    /** gemini-balance's names and log4j's, lower case, to log4j's. */
    private static final Map<String, String> LEVELS = Map.ofEntries(
            Map.entry("trace", "TRACE"),
            Map.entry("debug", "DEBUG"),
            Map.entry("info", "INFO"),
            Map.entry("warning", "WARN"),
            Map.entry("warn", "WARN"),
            Map.entry("error", "ERROR"),
            Map.entry("critical", "FATAL"),
            Map.entry("fatal", "FATAL"),
            Map.entry("off", "OFF"));

    private LogLevel() {
    }

    /**
     * The log4j level name for a LOG_LEVEL value; empty means INFO (gemini-balance's default).
     *
     * @throws IllegalArgumentException when the value names no level
     */
    public static String log4jName(String raw) {
        String v = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty()) {
            return "INFO";
        }
        String name = LEVELS.get(v);
        if (name == null) {
            throw new IllegalArgumentException("expected debug, info, warning, error or critical");
        }
        return name;
    }

    /** The name gemini-balance gives a log4j level (WARN is warning, FATAL critical), lower case as its .env has it. */
    public static String geminiBalanceName(String log4jName) {
        return switch (log4jName) {
            case "WARN" -> "warning";
            case "FATAL" -> "critical";
            default -> log4jName.toLowerCase(Locale.ROOT);
        };
    }
}
