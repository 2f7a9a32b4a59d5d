package dev.caravan.storage;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over, once, what a gemini-balance deployment kept in the database Caravan was pointed at (README "Moving from
 * gemini-balance"). Each of gemini-balance's tables is one {@link Source}; a source runs only when its table exists
 * and the {@code carryover} table has no row for it yet, in one transaction with that row, so two replicas starting
 * together import it once and a failed import leaves nothing half done. gemini-balance's own tables are only read,
 * never changed, so an operator can switch back. Summaries name settings and count keys, never show one.
 * Thread-safe to call once at start (the database serialises competing replicas).
 */
public final class GeminiBalanceImport {

    private static final Logger LOG = LoggerFactory.getLogger(GeminiBalanceImport.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One of gemini-balance's tables and how its rows become Caravan's. */
    public interface Source {

        /** gemini-balance's table, e.g. {@code t_settings}. */
        String table();

        /**
         * Reads the table and writes what it takes into Caravan's tables through {@code c} (the import's transaction:
         * do not commit). Returns what was taken and what was left, as names and counts only (it is shown and logged).
         */
        Map<String, Object> importFrom(Connection c, long now) throws SQLException;

        /** One line for the log, from the summary this source returned. */
        String describe(Map<String, Object> summary);
    }

    /** What one source took over, and when. */
    public record Imported(String table, long importedAtMs, Map<String, Object> summary) {
    }

    private final DataSource ds;
    private final LongSupplier clock;

    public GeminiBalanceImport(DataSource ds, LongSupplier clock) {
        this.ds = ds;
        this.clock = clock;
    }

    /**
     * Imports every source whose table is there and was not imported before.
     *
     * @return what was imported now (empty when nothing was new)
     * @throws IllegalStateException when a table cannot be read or Caravan's rows cannot be written
     */
    public List<Imported> run(List<Source> sources) {
        List<Imported> done = new ArrayList<>();
        for (Source source : sources) {
            try {
                Imported imported = runOne(source);
                if (imported != null) {
                    done.add(imported);
                    LOG.info("Took over gemini-balance's {}: {}", source.table(), source.describe(imported.summary()));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot take over gemini-balance's " + source.table() + ": "
                        + e.getMessage(), e);
            }
        }
        return done;
    }

    /** Everything taken over so far, oldest first (the admin page shows it). */
    public List<Imported> history() {
        List<Imported> out = new ArrayList<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT source_table, imported_at_ms, summary FROM carryover ORDER BY imported_at_ms, source_table");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Imported(rs.getString(1), rs.getLong(2), parse(rs.getString(3))));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the carryover table: " + e.getMessage(), e);
        }
        return out;
    }

    private Imported runOne(Source source) throws SQLException {
        try (Connection c = ds.getConnection()) {
            if (!tableExists(c, source.table()) || recorded(c, source.table())) {
                return null;
            }
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                long now = clock.getAsLong();
                // the row first: a replica importing the same table at the same time waits on it, then fails and rolls back
                try (PreparedStatement claim = c.prepareStatement(
                        "INSERT INTO carryover (source_table, imported_at_ms, summary) VALUES (?, ?, '{}')")) {
                    claim.setString(1, source.table());
                    claim.setLong(2, now);
                    claim.executeUpdate();
                } catch (SQLException raced) {
                    c.rollback();
                    if (recorded(c, source.table())) {
                        return null;
                    }
                    throw raced;
                }
                Map<String, Object> summary = source.importFrom(c, now);
                try (PreparedStatement ps = c.prepareStatement("UPDATE carryover SET summary = ? WHERE source_table = ?")) {
                    ps.setString(1, JSON.writeValueAsString(summary));
                    ps.setString(2, source.table());
                    ps.executeUpdate();
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new SQLException("cannot write the summary", e);
                }
                c.commit();
                return new Imported(source.table(), now, summary);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }
    }

    private static boolean recorded(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM carryover WHERE source_table = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Whether {@code table} is in the database Caravan works in (the MySQL database, or the SQLite file). */
    static boolean tableExists(Connection c, String table) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        for (String name : List.of(table, table.toUpperCase(java.util.Locale.ROOT))) {
            try (ResultSet rs = md.getTables(c.getCatalog(), null, name, new String[] {"TABLE"})) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String summary) {
        try {
            return summary == null ? Map.of() : JSON.readValue(summary, LinkedHashMap.class);
        } catch (Exception e) {
            return Map.of();
        }
    }
}
