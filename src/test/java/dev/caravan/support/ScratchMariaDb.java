package dev.caravan.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A throw-away database on the machine's MariaDB (127.0.0.1:3306, root without a password) for the MySQL path:
 * created under a random name before the gateway starts, dropped after it stopped.
 */
public final class ScratchMariaDb {

    private static final String SERVER = "jdbc:mysql://127.0.0.1:3306/";

    private final String name;

    private ScratchMariaDb(String name) {
        this.name = name;
    }

    /** Creates {@code prefix} + a random suffix; fails plainly when MariaDB is not there. */
    public static ScratchMariaDb create(String prefix) {
        String name = prefix + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        try (Connection c = DriverManager.getConnection(SERVER, "root", ""); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4");
            return new ScratchMariaDb(name);
        } catch (Exception e) {
            throw new IllegalStateException("MariaDB must run at 127.0.0.1:3306 (root, no password) for this test", e);
        }
    }

    /** Points a gateway at this database. */
    public Gateway configure(Gateway gateway) {
        return gateway.set("caravan.database-type", "mysql")
                .set("caravan.mysql-host", "127.0.0.1")
                .set("caravan.mysql-port", "3306")
                .set("caravan.mysql-user", "root")
                .set("caravan.mysql-password", "")
                .set("caravan.mysql-database", name);
    }

    /** Connections for reading what the gateway wrote. */
    public Rows.Db rows() {
        return () -> DriverManager.getConnection(SERVER + name, "root", "");
    }

    public String name() {
        return name;
    }

    /** Drops the database; stop the gateway first, so that its last rows and connections are gone. */
    public void drop() throws Exception {
        try (Connection c = DriverManager.getConnection(SERVER, "root", ""); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name);
        }
    }
}
