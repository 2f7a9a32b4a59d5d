package dev.caravan.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import dev.caravan.keys.KeyFingerprint;

/**
 * The {@code api_keys} table: keys an operator added at runtime, and tombstones of the keys an operator deleted,
 * so the pool at start is API_KEYS plus the added keys minus the deleted ones. Rows are keyed by fingerprint; a
 * tombstone holds no key. Thread-safe: every call uses its own connection.
 */
public final class ApiKeyStore {

    private final DataSource ds;
    private final LongSupplier clock;
    private final KeyFingerprint fingerprints;

    public ApiKeyStore(DataSource ds, LongSupplier clock, KeyFingerprint fingerprints) {
        this.ds = ds;
        this.clock = clock;
        this.fingerprints = fingerprints;
    }

    /** The pool's keys at start: {@code configured} (API_KEYS) and the added keys, without the deleted ones. */
    public List<String> merge(Collection<String> configured) {
        Set<String> deleted = new HashSet<>();
        List<String> added = new ArrayList<>();
        // keys added together come back in the order of their text: a fingerprint differs from one installation to the next
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT key_fingerprint, api_key, deleted FROM api_keys ORDER BY updated_at_ms, api_key, key_fingerprint");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (rs.getBoolean(3)) {
                    deleted.add(rs.getString(1));
                } else if (rs.getString(2) != null) {
                    added.add(rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the api_keys table: " + e.getMessage(), e);
        }
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        for (String k : configured) {
            // an entry may name its project (key@project): the key alone is what was deleted
            if (!deleted.contains(fingerprints.of(dev.caravan.keys.KeyEntry.secretOf(k)))) {
                keys.add(k);
            }
        }
        keys.addAll(added);
        return List.copyOf(keys);
    }

    /**
     * The key an operator added under {@code fingerprint} (on this replica or another sharing the database), or null
     * when there is none or it was deleted since. Blocking: a database read.
     */
    public String addedKey(String fingerprint) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT api_key FROM api_keys WHERE key_fingerprint = ? AND deleted = ? AND api_key IS NOT NULL")) {
            ps.setString(1, fingerprint);
            ps.setBoolean(2, false);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the api_keys table: " + e.getMessage(), e);
        }
    }

    /** Remembers keys an operator added (a deleted key added again comes back). */
    public void added(Collection<String> keys) {
        long now = clock.getAsLong();
        write(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM api_keys WHERE key_fingerprint = ?");
                 PreparedStatement ins = c.prepareStatement(
                         "INSERT INTO api_keys (key_fingerprint, api_key, deleted, updated_at_ms) VALUES (?, ?, ?, ?)")) {
                for (String k : keys) {
                    String fp = fingerprints.of(k);
                    del.setString(1, fp);
                    del.addBatch();
                    ins.setString(1, fp);
                    ins.setString(2, k);
                    ins.setBoolean(3, false);
                    ins.setLong(4, now);
                    ins.addBatch();
                }
                del.executeBatch();
                ins.executeBatch();
            }
        });
    }

    /** Remembers that keys were deleted: their rows keep the fingerprint only, and their saved health goes. */
    public void deleted(Collection<String> fingerprints) {
        long now = clock.getAsLong();
        write(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM api_keys WHERE key_fingerprint = ?");
                 PreparedStatement state = c.prepareStatement("DELETE FROM key_state WHERE key_fingerprint = ?");
                 PreparedStatement ins = c.prepareStatement(
                         "INSERT INTO api_keys (key_fingerprint, api_key, deleted, updated_at_ms) VALUES (?, NULL, ?, ?)")) {
                for (String fp : fingerprints) {
                    del.setString(1, fp);
                    del.addBatch();
                    state.setString(1, fp);
                    state.addBatch();
                    ins.setString(1, fp);
                    ins.setBoolean(2, true);
                    ins.setLong(3, now);
                    ins.addBatch();
                }
                del.executeBatch();
                state.executeBatch();
                ins.executeBatch();
            }
        });
    }

    private void write(Transactions.Work work) {
        try {
            Transactions.run(ds, work);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot save to the api_keys table: " + e.getMessage(), e);
        }
    }
}
