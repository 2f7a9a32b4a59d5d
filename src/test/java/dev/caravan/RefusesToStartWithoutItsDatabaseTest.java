package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import dev.caravan.support.Gateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, fault matrix: the database is down when Caravan starts. Start-up fails (no half-started gateway
 * answering requests it cannot log) with a message that names the database and the settings to look at, never the
 * password; the port it would have served stays closed.
 */
class RefusesToStartWithoutItsDatabaseTest {

    private static final String PASSWORD = "db-password-never-printed-7";

    private Path data;
    private int port;

    @BeforeEach
    void folder() throws Exception {
        data = Files.createTempDirectory("caravan-nodb-");
        port = Gateway.freePort();
    }

    @AfterEach
    void cleanUp() throws Exception {
        try (var files = Files.walk(data)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private Properties base() throws Exception {
        Properties p = new Properties();
        p.setProperty("caravan.port", String.valueOf(port));
        p.setProperty("camel.management.port", String.valueOf(Gateway.freePort()));
        p.setProperty("caravan.auth-token", Gateway.ADMIN_TOKEN);
        p.setProperty("caravan.api-keys", "[\"secret-pool-key-1\"]");
        p.setProperty("caravan.custom-routes-dir", data.resolve("custom-routes").toString());
        return p;
    }

    @Test
    void aMySqlServerThatDoesNotAnswerStopsStartUpWithAMessageNamingIt() throws Exception {
        int closed = Gateway.freePort();
        Properties p = base();
        p.setProperty("caravan.database-type", "mysql");
        p.setProperty("caravan.mysql-host", "127.0.0.1");
        p.setProperty("caravan.mysql-port", String.valueOf(closed));
        p.setProperty("caravan.mysql-user", "caravan");
        p.setProperty("caravan.mysql-password", PASSWORD);
        p.setProperty("caravan.mysql-database", "caravan");

        long start = System.nanoTime();
        assertThatThrownBy(() -> new Caravan(p).start())
                .hasMessageContaining("Caravan did not start")
                .hasMessageContaining("database")
                .hasMessageContaining("MYSQL_HOST=127.0.0.1")
                .hasMessageContaining("MYSQL_PORT=" + closed)
                .hasMessageContaining("MYSQL_DATABASE=caravan")
                .satisfies(e -> assertThat(messages(e)).doesNotContain(PASSWORD).doesNotContain("secret-pool-key-1"))
                .satisfies(e -> System.out.println("RefusesToStartWithoutItsDatabaseTest: " + e.getMessage()));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf("RefusesToStartWithoutItsDatabaseTest: start-up gave up on MySQL after %d ms%n", took.toMillis());

        assertPortClosed();
    }

    @Test
    void aSqliteFileThatCannotBeCreatedStopsStartUpWithAMessageNamingIt() throws Exception {
        // its folder would have to be where a plain file is
        Path file = Files.writeString(data.resolve("not-a-folder"), "x");
        Properties p = base();
        p.setProperty("caravan.database-type", "sqlite");
        p.setProperty("caravan.sqlite-database", file.resolve("caravan.db").toString());

        assertThatThrownBy(() -> new Caravan(p).start())
                .hasMessageContaining("Caravan did not start")
                .hasMessageContaining("SQLITE_DATABASE")
                .hasMessageContaining(file.toString())
                .satisfies(e -> System.out.println("RefusesToStartWithoutItsDatabaseTest: " + e.getMessage()));

        assertPortClosed();
    }

    private void assertPortClosed() {
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(ConnectException.class);
    }

    /** Every message of the failure and its causes: none may hold a secret. */
    private static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append('\n');
            for (Throwable s : t.getSuppressed()) {
                sb.append(s.getMessage()).append('\n');
            }
        }
        return sb.toString();
    }
}
