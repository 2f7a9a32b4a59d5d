package dev.caravan.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.Evidence;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.Verdict;
import dev.caravan.support.ScratchSqlite;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * The key store writes behind: a key marked dirty just before an operator deleted it must not have its row written
 * back after the delete dropped it (a key added again later would otherwise come back with that old health).
 */
class KeyStateStoreKeepsNoRowOfADeletedKeyTest {

    @TempDir
    Path folder;
    private SQLiteDataSource ds;
    private final long now = 1_700_000_000_000L;

    @BeforeEach
    void database() {
        ds = ScratchSqlite.migrated(folder);
    }

    @Test
    void aChangeQueuedBeforeTheDeleteIsNotWrittenAfterIt() throws Exception {
        KeyRoundRobin pool = new KeyRoundRobin(List.of("k-deleted", "k-kept"), 3, () -> now);
        KeyStateStore store = new KeyStateStore(ds, new ObjectMapper(), () -> now);
        pool.listen(store);
        ApiKey deleted = pool.keys().get(0);
        ApiKey kept = pool.keys().get(1);
        Verdict invalid = new Verdict(Verdict.Kind.KEY_INVALID, 0, new Evidence(400, "API_KEY_INVALID", null, now));
        pool.record(deleted, "m", invalid);
        pool.record(kept, "m", invalid);
        await().atMost(Duration.ofSeconds(5)).until(() -> rows() == 2);

        // the order of an operator's delete: out of the pool, then its rows dropped
        pool.remove(List.of(deleted));
        new ApiKeyStore(ds, () -> now, pool.fingerprints()).deleted(List.of(deleted.fingerprint()));
        // a change the writer had not saved yet when the delete came
        store.changed(deleted);
        store.changed(kept);
        store.flush();

        assertThat(fingerprints()).containsExactly(kept.fingerprint());
        store.close();
    }

    private int rows() throws Exception {
        return fingerprints().size();
    }

    private List<String> fingerprints() throws Exception {
        List<String> out = new java.util.ArrayList<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT key_fingerprint FROM key_state")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
