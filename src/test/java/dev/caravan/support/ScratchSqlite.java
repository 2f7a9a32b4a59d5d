package dev.caravan.support;

import java.nio.file.Path;

import dev.caravan.config.DatabaseType;
import dev.caravan.storage.Database;
import org.sqlite.SQLiteDataSource;

/** A SQLite database with Caravan's schema in a folder of the test's (JUnit's {@code @TempDir} removes it). */
public final class ScratchSqlite {

    private ScratchSqlite() {
    }

    public static SQLiteDataSource migrated(Path folder) {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + folder.resolve("c.db"));
        Database.migrate(ds, DatabaseType.SQLITE);
        return ds;
    }
}
