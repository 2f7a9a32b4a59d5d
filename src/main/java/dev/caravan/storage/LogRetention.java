package dev.caravan.storage;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

import dev.caravan.config.Settings;

/**
 * What the retention route (AUTO_DELETE_*) deletes: whether each log is trimmed, and the cut-offs in epoch
 * milliseconds before which its rows go. Read from the settings in force at each run, so an operator's change
 * applies at the next run. Thread-safe.
 */
public final class LogRetention {

    private static final long DAY_MS = 86_400_000L;

    private final Supplier<Settings> settings;
    private final LongSupplier clock;

    public LogRetention(Supplier<Settings> settings, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
    }

    public boolean requestLogsEnabled() {
        return settings.get().autoDeleteRequestLogsEnabled();
    }

    public boolean errorLogsEnabled() {
        return settings.get().autoDeleteErrorLogsEnabled();
    }

    public long requestLogCutoff() {
        return clock.getAsLong() - settings.get().autoDeleteRequestLogsDays() * DAY_MS;
    }

    public long errorLogCutoff() {
        return clock.getAsLong() - settings.get().autoDeleteErrorLogsDays() * DAY_MS;
    }
}
