package dev.caravan.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import dev.caravan.keys.KeyFingerprint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-keys rows written before fingerprints were keyed: their fingerprints are ten hex digits of an unkeyed SHA-256
 * ({@link KeyFingerprint#legacy}), which a short token could be recovered from. The saved key state ({@code key_state},
 * {@code api_keys}) is re-keyed at start, before the pool is built from it, for every key Caravan knows (API_KEYS and
 * the keys in api_keys): a restart keeps every key's state and the admin page's fingerprints. A row of a key that is
 * not known now keeps its old fingerprint until the key comes back. The log tables ({@code request_log},
 * {@code error_log}) may be large: they are re-keyed in the background, in small transactions, once per installation;
 * a fingerprint of a secret that is not known (a wrong token, a key deleted long ago) is replaced by a keyed
 * fingerprint of the old one, so its rows still group together but the old value is gone. Legacy values are told from
 * current ones by their length. Thread-safe.
 */
public final class FingerprintMigration implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FingerprintMigration.class);
    static final String LOGS_DONE = "log-fingerprints-rekeyed";
    private static final int BATCH = 500;
    private static final Pattern ATTEMPT_KEY = Pattern.compile("\"key\":\"([0-9a-f]{" + KeyFingerprint.LEGACY_HEX_DIGITS + "})\"");
    private static final String LEGACY_ATTEMPT = "%\"key\":\"" + "_".repeat(KeyFingerprint.LEGACY_HEX_DIGITS) + "\"%";

    private final DataSource ds;
    private final KeyFingerprint fingerprints;
    private final Installation installation;
    private volatile boolean stopped;
    private Thread background;

    public FingerprintMigration(DataSource ds, KeyFingerprint fingerprints, Installation installation) {
        this.ds = ds;
        this.fingerprints = fingerprints;
        this.installation = installation;
    }

    /**
     * Re-keys the saved state of every key known now: {@code configured} (API_KEYS) and the keys an operator added.
     * Call before the pool reads api_keys.
     *
     * @return how many rows were re-keyed
     */
    public int rekeySavedKeys(Collection<String> configured) {
        try {
            int[] count = {0};
            Transactions.run(ds, c -> {
                List<String[]> apiKeys = legacyRows(c, "SELECT key_fingerprint, api_key FROM api_keys WHERE LENGTH(key_fingerprint) = ?", 2);
                List<String[]> states = legacyRows(c, "SELECT key_fingerprint FROM key_state WHERE LENGTH(key_fingerprint) = ?", 1);
                if (apiKeys.isEmpty() && states.isEmpty()) {
                    return;
                }
                Map<String, String> known = new HashMap<>();
                for (String k : configured) {
                    known.put(KeyFingerprint.legacy(k), fingerprints.of(k));
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT api_key FROM api_keys WHERE api_key IS NOT NULL");
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        known.put(KeyFingerprint.legacy(rs.getString(1)), fingerprints.of(rs.getString(1)));
                    }
                }
                int left = 0;
                for (String[] row : apiKeys) {
                    String now = row[1] != null ? fingerprints.of(row[1]) : known.get(row[0]);
                    if (now == null) {
                        left++;
                    } else {
                        count[0] += rekey(c, "api_keys", row[0], now);
                    }
                }
                for (String[] row : states) {
                    String now = known.get(row[0]);
                    if (now == null) {
                        left++;
                    } else {
                        count[0] += rekey(c, "key_state", row[0], now);
                    }
                }
                if (left > 0) {
                    LOG.info("{} saved key row(s) name keys that are neither in API_KEYS nor added on the admin page: "
                            + "they keep their old fingerprint until their key comes back", left);
                }
            });
            if (count[0] > 0) {
                LOG.info("Re-keyed {} saved key row(s) to keyed fingerprints", count[0]);
            }
            return count[0];
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot re-key the saved key state to keyed fingerprints: " + e.getMessage(), e);
        }
    }

    /**
     * Re-keys the log tables on a thread of its own, once per installation. {@code secrets}: every key and token the
     * rows may name (pool keys, client tokens, the admin token), so their rows get the same fingerprints as new ones.
     */
    public void rekeyLogsInBackground(Collection<String> secrets) {
        if (installation.done(LOGS_DONE)) {
            return;
        }
        Map<String, String> known = new HashMap<>();
        for (String s : secrets) {
            known.put(KeyFingerprint.legacy(s), fingerprints.of(s));
        }
        background = new Thread(() -> rekeyLogs(known), "caravan-fingerprint-migration");
        background.setDaemon(true);
        background.start();
    }

    /** Stops the background job between two batches (the next start goes on where it stopped). */
    @Override
    public void close() {
        stopped = true;
        Thread t = background;
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs the log tables' re-keying on the calling thread (the background thread; tests). */
    void rekeyLogs(Map<String, String> known) {
        try {
            long rows = rekeyRequestLog(known) + rekeyErrorLog(known);
            if (!stopped) {
                installation.markDone(LOGS_DONE);
                if (rows > 0) {
                    LOG.info("Re-keyed the fingerprints of {} older log row(s)", rows);
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Cannot re-key the fingerprints of older log rows; the next start tries again: {}", e.getMessage());
        }
    }

    private long rekeyRequestLog(Map<String, String> known) throws SQLException {
        return rekeyLog("SELECT id, client_fingerprint, attempts FROM request_log "
                        + "WHERE id > ? AND (LENGTH(client_fingerprint) = ? OR attempts LIKE ?) ORDER BY id LIMIT " + BATCH,
                ps -> {
                    ps.setInt(2, KeyFingerprint.LEGACY_HEX_DIGITS);
                    ps.setString(3, LEGACY_ATTEMPT);
                },
                "UPDATE request_log SET client_fingerprint = ?, attempts = ? WHERE id = ?",
                attempts -> attempts(attempts, known), known);
    }

    private long rekeyErrorLog(Map<String, String> known) throws SQLException {
        return rekeyLog("SELECT id, client_fingerprint, key_fingerprint FROM error_log "
                        + "WHERE id > ? AND (LENGTH(client_fingerprint) = ? OR LENGTH(key_fingerprint) = ?) ORDER BY id LIMIT "
                        + BATCH,
                ps -> {
                    ps.setInt(2, KeyFingerprint.LEGACY_HEX_DIGITS);
                    ps.setInt(3, KeyFingerprint.LEGACY_HEX_DIGITS);
                },
                "UPDATE error_log SET client_fingerprint = ?, key_fingerprint = ? WHERE id = ?",
                fingerprint -> current(fingerprint, known), known);
    }

    /** Binds the legacy-value parameters of a paged select (its first parameter is the last id seen). */
    @FunctionalInterface
    private interface LegacyParameters {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /**
     * Re-keys one log table page by page: {@code select} yields (id, client fingerprint, a second column) for rows
     * still holding legacy values after the last id seen; {@code update} writes the client fingerprint re-keyed and
     * the second column through {@code second}.
     */
    private long rekeyLog(String select, LegacyParameters legacy, String update,
                          java.util.function.UnaryOperator<String> second, Map<String, String> known) throws SQLException {
        long after = 0;
        long rows = 0;
        while (!stopped) {
            List<Object[]> batch = new ArrayList<>();
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(select)) {
                ps.setLong(1, after);
                legacy.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        batch.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3)});
                    }
                }
            }
            if (batch.isEmpty()) {
                return rows;
            }
            Transactions.run(ds, c -> {
                try (PreparedStatement up = c.prepareStatement(update)) {
                    for (Object[] r : batch) {
                        up.setString(1, current((String) r[1], known));
                        up.setString(2, second.apply((String) r[2]));
                        up.setLong(3, (Long) r[0]);
                        up.addBatch();
                    }
                    up.executeBatch();
                }
            });
            rows += batch.size();
            after = (Long) batch.get(batch.size() - 1)[0];
        }
        return rows;
    }

    /** The keyed fingerprint for a legacy one: its secret's when known, else a keyed fingerprint of the old value. */
    private String current(String fingerprint, Map<String, String> known) {
        if (fingerprint == null || fingerprint.length() != KeyFingerprint.LEGACY_HEX_DIGITS) {
            return fingerprint;
        }
        String now = known.get(fingerprint);
        return now != null ? now : fingerprints.of("legacy-fingerprint:" + fingerprint);
    }

    private String attempts(String json, Map<String, String> known) {
        if (json == null) {
            return null;
        }
        Matcher m = ATTEMPT_KEY.matcher(json);
        StringBuilder out = new StringBuilder(json.length() + 32);
        while (m.find()) {
            m.appendReplacement(out, "\"key\":\"" + current(m.group(1), known) + "\"");
        }
        m.appendTail(out);
        return out.toString();
    }

    private static List<String[]> legacyRows(Connection c, String sql, int columns) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, KeyFingerprint.LEGACY_HEX_DIGITS);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String[] row = new String[columns];
                    for (int i = 0; i < columns; i++) {
                        row[i] = rs.getString(i + 1);
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

    /** Moves a row to its keyed fingerprint; when one with that fingerprint exists already, the newer row wins. */
    private static int rekey(Connection c, String table, String legacy, String current) throws SQLException {
        boolean exists;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE key_fingerprint = ?")) {
            ps.setString(1, current);
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        String sql = exists ? "DELETE FROM " + table + " WHERE key_fingerprint = ?"
                : "UPDATE " + table + " SET key_fingerprint = ? WHERE key_fingerprint = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (exists) {
                ps.setString(1, legacy);
            } else {
                ps.setString(1, current);
                ps.setString(2, legacy);
            }
            return ps.executeUpdate();
        }
    }
}
