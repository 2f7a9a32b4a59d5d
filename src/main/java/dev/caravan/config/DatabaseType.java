package dev.caravan.config;

import java.util.Locale;

/** Where Caravan keeps its request log, key state and settings (DATABASE_TYPE). */
public enum DatabaseType {
    /** A file on the gateway's own disk (the default): nothing to set up. */
    SQLITE,
    /** MySQL 8 or MariaDB, for production and several gateways sharing one database. */
    MYSQL;

    static DatabaseType parse(String raw) {
        switch (raw.toLowerCase(Locale.ROOT)) {
            case "", "sqlite" -> {
                return SQLITE;
            }
            case "mysql", "mariadb" -> {
                return MYSQL;
            }
            default -> throw new IllegalArgumentException("expected sqlite or mysql");
        }
    }

    /** The name used for the migration folders (db/migration/sqlite, db/migration/mysql). */
    public String folder() {
        return name().toLowerCase(Locale.ROOT);
    }
}
