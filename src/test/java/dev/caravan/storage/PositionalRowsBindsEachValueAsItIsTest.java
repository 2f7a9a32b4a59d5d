package dev.caravan.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

import dev.caravan.support.ScratchMariaDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: the request log's batch inserts bind each positional row's values as they are (strings, numbers,
 * booleans, nulls) on both databases Caravan runs on, and a row of the wrong length is refused as camel-sql's own
 * strategy refuses it, so a batch never writes shifted columns.
 */
class PositionalRowsBindsEachValueAsItIsTest {

    private static final ScratchMariaDb MARIADB = ScratchMariaDb.create("caravan_rows_");
    private static final PositionalRows ROWS = new PositionalRows();
    private static final String INSERT = "INSERT INTO t (s, n, b, z) VALUES (?, ?, ?, ?)";

    @AfterAll
    static void dropMariaDb() throws Exception {
        MARIADB.drop();
    }

    @Test
    void bindsAValueOfEachKindOnSqlite() throws Exception {
        onSqlite(PositionalRowsBindsEachValueAsItIsTest::assertRoundTrip);
    }

    @Test
    void bindsAValueOfEachKindOnMariaDb() throws Exception {
        try (Connection c = MARIADB.rows().open()) {
            assertRoundTrip(c);
        }
    }

    @Test
    void refusesARowOfTheWrongLength() throws Exception {
        onSqlite(c -> {
            table(c);
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                assertThatThrownBy(() -> ROWS.populateStatement(ps, ROWS.createPopulateIterator(INSERT, INSERT, 4, null,
                        List.of("a", 1L, true)), 4))
                        .isInstanceOf(SQLException.class).hasMessageContaining("Expected: 4, was: 3");
                assertThatThrownBy(() -> ROWS.populateStatement(ps, ROWS.createPopulateIterator(INSERT, INSERT, 4, null,
                        List.of("a", 1L, true, "z", "extra")), 4))
                        .isInstanceOf(SQLException.class).hasMessageContaining("Expected: 4, was: 5");
            }
        });
    }

    private interface OnConnection {
        void run(Connection c) throws Exception;
    }

    /** Runs {@code work} on a fresh SQLite file, deleted afterwards. */
    private static void onSqlite(OnConnection work) throws Exception {
        Path db = Files.createTempFile("positional-rows", ".db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            work.run(c);
        } finally {
            Files.deleteIfExists(db);
        }
    }

    private static void assertRoundTrip(Connection c) throws SQLException {
        table(c);
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (List<Object> row : List.of(Arrays.<Object>asList("héllo", 42L, true, null),
                    Arrays.<Object>asList(null, null, false, "z"))) {
                ROWS.populateStatement(ps, ROWS.createPopulateIterator(INSERT, INSERT, 4, null, row), 4);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT s, n, b, z FROM t ORDER BY id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("héllo");
            assertThat(rs.getLong(2)).isEqualTo(42L);
            assertThat(rs.getBoolean(3)).isTrue();
            assertThat(rs.getString(4)).isNull();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isNull();
            assertThat(rs.getObject(2)).isNull();
            assertThat(rs.getBoolean(3)).isFalse();
            assertThat(rs.getString(4)).isEqualTo("z");
            assertThat(rs.next()).isFalse();
        }
    }

    private static void table(Connection c) throws SQLException {
        boolean sqlite = c.getMetaData().getURL().startsWith("jdbc:sqlite");
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY " + (sqlite ? "AUTOINCREMENT" : "AUTO_INCREMENT")
                    + ", s VARCHAR(64), n BIGINT, b BOOLEAN, z VARCHAR(8))");
        }
    }
}
