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
import dev.caravan.keys.KeyFingerprint;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.KeyState;
import dev.caravan.keys.Verdict;
import dev.caravan.support.ScratchSqlite;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * The key store writes behind the pool's changes (one row per key that is not plainly healthy) and puts them back
 * into a new pool by fingerprint: state with evidence, strikes, an operator's disable, live cool-downs only.
 */
class KeyStateStoreSavesAndRestoresKeyHealthTest {

    @TempDir
    Path folder;
    private SQLiteDataSource ds;
    private long now = 1_700_000_000_000L;

    @BeforeEach
    void database() {
        ds = ScratchSqlite.migrated(folder);
    }

    @Test
    void savesChangesBehindAndRestoresThemByFingerprint() throws Exception {
        // one installation: both pools name keys under the same fingerprint secret
        KeyFingerprint fingerprints = KeyFingerprint.ephemeral();
        KeyRoundRobin pool = new KeyRoundRobin(List.of("k-invalid", "k-cool", "k-struck", "k-manual", "k-fine"), 3, () -> now,
                fingerprints);
        KeyStateStore store = new KeyStateStore(ds, new ObjectMapper(), () -> now);
        pool.listen(store);
        Evidence ev = new Evidence(429, "RESOURCE_EXHAUSTED", "PerMinute", now);
        pool.record(key(pool, "k-invalid"), "m", new Verdict(Verdict.Kind.KEY_INVALID, 0, new Evidence(400, "API_KEY_INVALID", null, now)));
        pool.record(key(pool, "k-cool"), "m", new Verdict(Verdict.Kind.QUOTA_COOLDOWN, now + 60_000, ev));
        pool.record(key(pool, "k-cool"), "old", new Verdict(Verdict.Kind.THROTTLED, now - 1, ev));
        pool.record(key(pool, "k-struck"), "m", new Verdict(Verdict.Kind.UPSTREAM_FAILURE, 0, new Evidence(503, "UNAVAILABLE", null, now)));
        pool.disable(key(pool, "k-manual"), new Evidence(0, "OPERATOR", null, now));
        pool.record(key(pool, "k-fine"), "m", new Verdict(Verdict.Kind.SUCCESS, 0, null));
        await().atMost(Duration.ofSeconds(5)).until(() -> rows() == 4);
        store.close();

        KeyRoundRobin after = new KeyRoundRobin(List.of("k-fine", "k-manual", "k-struck", "k-cool", "k-invalid", "k-new"), 3,
                () -> now, fingerprints);
        int restored = new KeyStateStore(ds, new ObjectMapper(), () -> now).restore(after);

        assertThat(restored).isEqualTo(4);
        assertThat(key(after, "k-invalid").state()).isEqualTo(KeyState.INVALID);
        assertThat(key(after, "k-invalid").evidence()).isEqualTo(new Evidence(400, "API_KEY_INVALID", null, now));
        assertThat(key(after, "k-cool").cooldowns()).containsOnlyKeys("m");
        assertThat(key(after, "k-cool").cooldowns().get("m")).isEqualTo(new ApiKey.Cooldown(now + 60_000, Verdict.Kind.QUOTA_COOLDOWN, ev));
        assertThat(key(after, "k-struck").strikes()).isEqualTo(1);
        assertThat(key(after, "k-manual").manuallyDisabled()).isTrue();
        assertThat(key(after, "k-fine").state()).isEqualTo(KeyState.ACTIVE);
        assertThat(key(after, "k-new").state()).isEqualTo(KeyState.ACTIVE);
        assertThat(after.pick("m", null)).isIn(key(after, "k-fine"), key(after, "k-struck"), key(after, "k-new"));
    }

    @Test
    void deletesTheRowOfAKeyThatIsHealthyAgain() throws Exception {
        KeyRoundRobin pool = new KeyRoundRobin(List.of("k"), 3, () -> now);
        KeyStateStore store = new KeyStateStore(ds, new ObjectMapper(), () -> now);
        pool.listen(store);
        pool.record(key(pool, "k"), "m", new Verdict(Verdict.Kind.UPSTREAM_FAILURE, 0, new Evidence(500, "INTERNAL", null, now)));
        await().atMost(Duration.ofSeconds(5)).until(() -> rows() == 1);

        pool.record(key(pool, "k"), "m", new Verdict(Verdict.Kind.SUCCESS, 0, null));

        await().atMost(Duration.ofSeconds(5)).until(() -> rows() == 0);
        store.close();
    }

    @Test
    void cutsALongReasonToItsColumnWithoutSplittingACharacter() throws Exception {
        KeyRoundRobin pool = new KeyRoundRobin(List.of("k"), 3, () -> now);
        KeyStateStore store = new KeyStateStore(ds, new ObjectMapper(), () -> now);
        pool.listen(store);
        // an emoji (two UTF-16 chars) straddling the column's 128th character
        String reason = "r".repeat(127) + "\uD83D\uDE00 and more";
        pool.record(key(pool, "k"), "m", new Verdict(Verdict.Kind.KEY_INVALID, 0, new Evidence(400, reason, null, now)));
        await().atMost(Duration.ofSeconds(5)).until(() -> rows() == 1);
        store.close();

        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT reason FROM key_state")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("r".repeat(127));
        }
    }

    private int rows() throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM key_state")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static ApiKey key(KeyRoundRobin pool, String secret) {
        return pool.keys().stream().filter(k -> k.secret().equals(secret)).findFirst().orElseThrow();
    }
}
