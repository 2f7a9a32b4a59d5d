package dev.caravan.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Reads rows for assertions, each as a map of lower-case column name to value. */
public final class Rows {

    private Rows() {
    }

    /** A connection source a test can open again and again (the gateway's SQLite file, a MariaDB database). */
    @FunctionalInterface
    public interface Db {
        Connection open() throws SQLException;
    }

    public static List<Map<String, Object>> query(Db db, String sql, Object... params) {
        try (Connection c = db.open(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, Object>> out = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rs.getObject(i));
                    }
                    out.add(row);
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long count(Db db, String table) {
        return ((Number) query(db, "SELECT COUNT(*) AS n FROM " + table).get(0).get("n")).longValue();
    }

    /** Every row of every Caravan table, as text: for asserting that no secret was stored anywhere. */
    public static String everything(Db db) {
        StringBuilder sb = new StringBuilder();
        for (String t : List.of("request_log", "error_log", "key_state", "settings")) {
            for (Map<String, Object> row : query(db, "SELECT * FROM " + t)) {
                sb.append(t).append(' ').append(row).append('\n');
            }
        }
        return sb.toString();
    }

    public static Supplier<Long> counter(Db db, String table) {
        return () -> count(db, table);
    }
}
