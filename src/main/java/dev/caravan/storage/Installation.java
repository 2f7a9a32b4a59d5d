package dev.caravan.storage;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Optional;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import dev.caravan.keys.KeyFingerprint;

/**
 * The {@code installation} table: what Caravan keeps for itself, not for operators. Above all the fingerprint secret,
 * made at first start, which keys the fingerprints of keys and tokens ({@link KeyFingerprint}): in the database, so
 * that every replica of one database has the same one and a backup restores it with the rows it protects (a file next
 * to the SQLite database would serve neither MySQL nor replicas, and whoever can read the database holds the keys of
 * the api_keys table anyway). Also the marks of one-off jobs that are done. Values are never logged, shown or
 * exported. Thread-safe: every call uses its own connection.
 */
public final class Installation {

    static final String FINGERPRINT_SECRET = "fingerprint-secret";

    private final DataSource ds;
    private final LongSupplier clock;

    public Installation(DataSource ds, LongSupplier clock) {
        this.ds = ds;
        this.clock = clock;
    }

    /**
     * The installation's fingerprints: under the secret in the database, made (256 random bits) when there is none.
     * Replicas that start together agree: the first insert wins and the others read it.
     */
    public KeyFingerprint fingerprints() {
        byte[] secret = Base64.getDecoder().decode(getOrCreate(FINGERPRINT_SECRET, () -> {
            byte[] random = new byte[KeyFingerprint.MIN_SECRET_BYTES];
            new SecureRandom().nextBytes(random);
            return Base64.getEncoder().encodeToString(random);
        }));
        return new KeyFingerprint(secret);
    }

    /** Whether the one-off job {@code name} is done. */
    public boolean done(String name) {
        try {
            return read(name).isPresent();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read " + name + " in the installation table: " + e.getMessage(), e);
        }
    }

    /** Marks the one-off job {@code name} as done (again is harmless). */
    public void markDone(String name) {
        getOrCreate(name, () -> "done");
    }

    private String getOrCreate(String name, java.util.function.Supplier<String> make) {
        try {
            Optional<String> kept = read(name);
            if (kept.isPresent()) {
                return kept.get();
            }
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement(
                         "INSERT INTO installation (name, value, created_at_ms) VALUES (?, ?, ?)")) {
                ps.setString(1, name);
                ps.setString(2, make.get());
                ps.setLong(3, clock.getAsLong());
                ps.executeUpdate();
            } catch (SQLException raced) {
                // another replica inserted it first: theirs is the installation's
                return read(name).orElseThrow(() -> raced);
            }
            return read(name).orElseThrow();
        } catch (SQLException e) {
            // the message names the row, never its value
            throw new IllegalStateException("Cannot read or create the " + name + " in the installation table: "
                    + e.getMessage(), e);
        }
    }

    private Optional<String> read(String name) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT value FROM installation WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
