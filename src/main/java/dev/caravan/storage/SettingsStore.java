package dev.caravan.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

/**
 * The {@code settings} table: runtime configuration that operators save (the admin page edits it). A row is named
 * after the {@code caravan.*} property it overrides and wins over the environment and application.properties
 * until it is deleted (README, "Where a setting comes from"). Thread-safe: every call uses its own connection.
 */
public final class SettingsStore {

    private final DataSource ds;
    private final LongSupplier clock;

    public SettingsStore(DataSource ds, LongSupplier clock) {
        this.ds = ds;
        this.clock = clock;
    }

    /** The saved value of {@code name}, or empty when none is saved. */
    public Optional<String> get(String name) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT setting_value FROM settings WHERE setting_name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read setting " + name + ": " + e.getMessage(), e);
        }
    }

    /** Saves {@code value} under {@code name}, replacing what was saved. */
    public void put(String name, String value) {
        if (name == null || name.isBlank() || value == null) {
            throw new IllegalArgumentException("a setting needs a name and a value");
        }
        long now = clock.getAsLong();
        try (Connection c = ds.getConnection()) {
            // UPDATE, then INSERT when there was nothing to update: the same statements on SQLite and MySQL
            if (update(c, name, value, now) == 0) {
                try {
                    insert(c, name, value, now);
                } catch (SQLException raced) {
                    // another writer inserted it meanwhile: ours is the later value
                    if (update(c, name, value, now) == 0) {
                        throw raced;
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot save setting " + name + ": " + e.getMessage(), e);
        }
    }

    /** Forgets the saved value, so the environment or application.properties decides again; true if one was saved. */
    public boolean delete(String name) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM settings WHERE setting_name = ?")) {
            ps.setString(1, name);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot delete setting " + name + ": " + e.getMessage(), e);
        }
    }

    /** Every saved setting, by name. */
    public Map<String, String> all() {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT setting_name, setting_value FROM settings ORDER BY setting_name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the settings table: " + e.getMessage(), e);
        }
        return out;
    }

    private static int update(Connection c, String name, String value, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE settings SET setting_value = ?, updated_at_ms = ? WHERE setting_name = ?")) {
            ps.setString(1, value);
            ps.setLong(2, now);
            ps.setString(3, name);
            return ps.executeUpdate();
        }
    }

    private static void insert(Connection c, String name, String value, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO settings (setting_name, setting_value, updated_at_ms) VALUES (?, ?, ?)")) {
            ps.setString(1, name);
            ps.setString(2, value);
            ps.setLong(3, now);
            ps.executeUpdate();
        }
    }
}
