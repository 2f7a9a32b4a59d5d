package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import dev.caravan.support.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, finding 6: the database holds pool keys, so the SQLite file, its -wal and -shm files and the folder
 * Caravan creates for them are readable by their owner only (0600 and 0700), whatever the umask; a database that an
 * older version left readable by others is made owner-only at the next start.
 */
class KeepsDatabaseFilesOwnerOnlyTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a").databaseFolder("data/nested");

    private static String permissions(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static Path side(String suffix) {
        return Path.of(gateway.databaseFile() + suffix);
    }

    @Test
    void createsTheFolderTheDatabaseAndItsWalFilesForTheOwnerOnly() throws Exception {
        // a request writes its log row, so the write-ahead log is in use
        assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi")).statusCode())
                .isEqualTo(200);
        assertThat(gateway.stub().received()).hasSize(1);
        Path db = gateway.databaseFile();

        assertThat(permissions(db.getParent())).isEqualTo("rwx------");
        assertThat(permissions(db.getParent().getParent())).as("every folder Caravan created").isEqualTo("rwx------");
        assertThat(permissions(db)).isEqualTo("rw-------");
        assertThat(side("-wal")).exists();
        assertThat(permissions(side("-wal"))).isEqualTo("rw-------");
        assertThat(permissions(side("-shm"))).isEqualTo("rw-------");
    }

    @Test
    void tightensADatabaseThatOthersCouldReadAtTheNextStart() throws Exception {
        gateway.stop();
        Path db = gateway.databaseFile();
        for (Path p : new Path[] {db, side("-wal"), side("-shm")}) {
            if (Files.exists(p)) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        assertThat(permissions(db)).isEqualTo("rw-r--r--");

        gateway.restart();

        assertThat(permissions(db)).isEqualTo("rw-------");
        assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi")).statusCode())
                .isEqualTo(200);
        assertThat(permissions(side("-wal"))).isEqualTo("rw-------");
        assertThat(permissions(side("-shm"))).isEqualTo("rw-------");
    }
}
