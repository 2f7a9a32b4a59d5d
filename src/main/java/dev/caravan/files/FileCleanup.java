package dev.caravan.files;

import java.util.function.BooleanSupplier;

import dev.caravan.storage.FileRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops the records of files Google has deleted (48 hours after their upload) and of uploads never finished, on the
 * schedule of routes/files.camel.yaml (FILES_CLEANUP_ENABLED, FILES_CLEANUP_INTERVAL_HOURS). Google deletes expired
 * files itself, so nothing is asked of it. Thread-safe.
 */
public final class FileCleanup {

    private static final Logger LOG = LoggerFactory.getLogger(FileCleanup.class);

    private final FileRecords records;
    private final BooleanSupplier enabled;

    public FileCleanup(FileRecords records, BooleanSupplier enabled) {
        this.records = records;
        this.enabled = enabled;
    }

    /** FILES_CLEANUP_ENABLED, as in force now. */
    public boolean enabled() {
        return enabled.getAsBoolean();
    }

    /** Removes what expired; returns the number of rows. */
    public int run() {
        int n = records.deleteExpired();
        if (n > 0) {
            LOG.info("Removed {} expired file record(s) and upload(s)", n);
        }
        return n;
    }
}
