package dev.caravan.storage;

import java.nio.file.Path;
import java.util.Properties;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.caravan.config.DatabaseType;
import dev.caravan.config.Settings;
import dev.caravan.security.OwnerOnly;
import org.flywaydb.core.Flyway;

/**
 * Opens Caravan's database as DATABASE_TYPE says (a SQLite file in WAL mode, created with its folder readable by the
 * owner only, or MySQL/MariaDB) through one pooled
 * DataSource, and brings its schema up to date with the versioned migrations under {@code db/migration/<type>}.
 * The DataSource is thread-safe; close it last, after everything that writes through it.
 */
public final class Database {

    /** The files SQLite keeps next to the database (WAL mode, and a rollback journal while migrating). */
    private static final java.util.List<String> SQLITE_SIDE_FILES = java.util.List.of("-wal", "-shm", "-journal");

    /** How long a SQLite writer waits for another one before it fails (ms): batches, not requests, wait. */
    static final int SQLITE_BUSY_TIMEOUT_MS = 5_000;

    private Database() {
    }

    /**
     * @throws IllegalStateException with a message naming the setting to look at when the database cannot be
     *                               opened or migrated (never with the password)
     */
    public static HikariDataSource open(Settings settings) {
        HikariConfig config = settings.databaseType() == DatabaseType.SQLITE ? sqlite(settings) : mysql(settings);
        config.setPoolName("caravan-db");
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot open the database (" + where(settings) + "): " + rootMessage(e), e);
        }
        try {
            migrate(ds, settings.databaseType());
        } catch (RuntimeException e) {
            ds.close();
            throw new IllegalStateException("Cannot create or migrate the schema (" + where(settings) + "): "
                    + rootMessage(e), e);
        }
        return ds;
    }

    /** Applies the migrations that the database has not seen yet; a no-op when it is current. */
    public static void migrate(javax.sql.DataSource ds, DatabaseType type) {
        Flyway.configure(Database.class.getClassLoader())
                .dataSource(ds)
                .locations("classpath:db/migration/" + type.folder())
                // a database that already holds other tables (gemini-balance's t_* tables, when an operator points
                // Caravan at the database it used) is not refused: Flyway starts its history below V1 and creates
                // Caravan's tables beside theirs, which it never touches
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    private static HikariConfig sqlite(Settings settings) {
        Path file = Path.of(settings.sqliteDatabase()).toAbsolutePath();
        try {
            OwnerOnly.createFolders(file.getParent());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create the folder of SQLITE_DATABASE " + file.getParent() + ": " + e.getMessage(), e);
        }
        try {
            // the file holds pool keys: made before SQLite opens it, which then gives -wal and -shm the same permissions
            OwnerOnly.createFile(file);
            for (String suffix : SQLITE_SIDE_FILES) {
                OwnerOnly.restrictIfPresent(Path.of(file + suffix));
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create SQLITE_DATABASE " + file + " readable by its owner only: " + e.getMessage(), e);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:sqlite:" + file);
        // sqlite-jdbc reads its pragmas from the connection properties: every pooled connection gets them
        Properties p = new Properties();
        p.setProperty("journal_mode", "WAL");
        p.setProperty("synchronous", "NORMAL");
        p.setProperty("busy_timeout", String.valueOf(SQLITE_BUSY_TIMEOUT_MS));
        p.setProperty("foreign_keys", "true");
        config.setDataSourceProperties(p);
        // one file, one writer at a time: a few connections serve the batch writer, the key store and readers
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(1);
        return config;
    }

    private static HikariConfig mysql(Settings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:mysql://" + settings.mysqlHost() + ":" + settings.mysqlPort() + "/" + settings.mysqlDatabase()
                + "?characterEncoding=UTF-8&rewriteBatchedStatements=true&connectTimeout=10000");
        config.setUsername(settings.mysqlUser());
        config.setPassword(settings.mysqlPassword());
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(1);
        // a gateway that starts before its database gets a clear error after this long, not a hang
        config.setInitializationFailTimeout(15_000);
        return config;
    }

    private static String where(Settings s) {
        return s.databaseType() == DatabaseType.SQLITE
                ? "SQLITE_DATABASE=" + s.sqliteDatabase()
                : "MYSQL_HOST=" + s.mysqlHost() + ", MYSQL_PORT=" + s.mysqlPort() + ", MYSQL_DATABASE=" + s.mysqlDatabase()
                        + ", MYSQL_USER=" + s.mysqlUser();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
