package dev.caravan.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A throw-away database on the machine's MariaDB (127.0.0.1:3306, root without a password) for the MySQL path:
 * created under a random name before the gateway starts, dropped after it stopped. With {@link #withOwnUser()} the
 * gateway connects as a user of its own, made for this database only, which a test can lock out and let in again
 * to take the database away from the gateway alone (the machine's MariaDB and its other users are never touched).
 */
public final class ScratchMariaDb {

    private static final String SERVER = "jdbc:mysql://127.0.0.1:3306/";

    private final String name;
    /** The gateway's own user and its password, or null for root. */
    private String user;
    private String password;

    private ScratchMariaDb(String name) {
        this.name = name;
    }

    /**
     * Makes a user of this database's own (random name and password, every privilege on this database and on
     * nothing else) for the gateway to connect as.
     */
    public ScratchMariaDb withOwnUser() {
        String u = "cvn_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        String pw = HexFormat.of().formatHex(java.security.SecureRandom.getSeed(12));
        asRoot(st -> {
            for (String host : HOSTS) {
                st.execute("CREATE USER '" + u + "'@'" + host + "' IDENTIFIED BY '" + pw + "'");
                st.execute("GRANT ALL PRIVILEGES ON " + name + ".* TO '" + u + "'@'" + host + "'");
            }
        });
        user = u;
        password = pw;
        return this;
    }

    /**
     * The database goes away for the gateway: its user's account is locked, so no new connection gets in, and the
     * connections it holds are killed. Only this database's own user is touched.
     */
    public void lockOut() {
        requireOwnUser();
        asRoot(st -> {
            for (String host : HOSTS) {
                st.execute("ALTER USER '" + user + "'@'" + host + "' ACCOUNT LOCK");
            }
            List<Long> ids = new java.util.ArrayList<>();
            try (java.sql.ResultSet rs = st.executeQuery(
                    "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '" + user + "'")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            for (long id : ids) {
                try {
                    st.execute("KILL CONNECTION " + id);
                } catch (java.sql.SQLException gone) {
                    // it ended by itself meanwhile
                }
            }
        });
    }

    /** The database is back for the gateway. */
    public void letIn() {
        requireOwnUser();
        asRoot(st -> {
            for (String host : HOSTS) {
                st.execute("ALTER USER '" + user + "'@'" + host + "' ACCOUNT UNLOCK");
            }
        });
    }

    /** Connections the gateway's own user holds now. */
    public int connectionsOfItsUser() {
        requireOwnUser();
        int[] n = {0};
        asRoot(st -> {
            try (java.sql.ResultSet rs = st.executeQuery(
                    "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" + user + "'")) {
                rs.next();
                n[0] = rs.getInt(1);
            }
        });
        return n[0];
    }

    private void requireOwnUser() {
        if (user == null) {
            throw new IllegalStateException("withOwnUser() first: root is never locked out");
        }
    }

    /** A client connecting over TCP to 127.0.0.1 may be seen as either host. */
    private static final List<String> HOSTS = List.of("127.0.0.1", "localhost");

    private interface Work {
        void run(Statement st) throws java.sql.SQLException;
    }

    private static void asRoot(Work work) {
        try (Connection c = DriverManager.getConnection(SERVER, "root", ""); Statement st = c.createStatement()) {
            work.run(st);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
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
                .set("caravan.mysql-user", user == null ? "root" : user)
                .set("caravan.mysql-password", user == null ? "" : password)
                .set("caravan.mysql-database", name);
    }

    /** Connections for reading what the gateway wrote. */
    public Rows.Db rows() {
        return () -> DriverManager.getConnection(SERVER + name, "root", "");
    }

    public String name() {
        return name;
    }

    /** Drops the database (and its own user); stop the gateway first, so that its last rows and connections are gone. */
    public void drop() throws Exception {
        try (Connection c = DriverManager.getConnection(SERVER, "root", ""); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name);
            if (user != null) {
                for (String host : HOSTS) {
                    st.execute("DROP USER IF EXISTS '" + user + "'@'" + host + "'");
                }
            }
        }
    }
}
