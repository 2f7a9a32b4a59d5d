package dev.caravan.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A database as a running gemini-balance deployment leaves it (reference §6): its four tables, as its SQLAlchemy
 * models create them on SQLite or MySQL, with t_settings holding every setting as text (lists and dictionaries as
 * JSON, booleans in lower case), keys and tokens in clear, and a few log and file rows.
 */
public final class GeminiBalanceTables {

    public enum Flavour { SQLITE, MYSQL }

    /** The file of t_file_records that is still alive: uploaded with key-ui-added-1 by sk-token-from-the-ui-1. */
    public static final String LIVE_FILE = "files/carried-over-1";

    private GeminiBalanceTables() {
    }

    /** Creates the tables and fills them; {@code settings} are t_settings' rows (variable → value as stored). */
    public static void create(Connection c, Flavour flavour, Map<String, String> settings) throws Exception {
        boolean my = flavour == Flavour.MYSQL;
        String id = my ? "INT NOT NULL AUTO_INCREMENT PRIMARY KEY" : "INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT";
        String key = my ? "`key`" : "\"key\"";
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t_settings (id " + id + ", " + key + " VARCHAR(100) NOT NULL UNIQUE, value TEXT, "
                    + "description VARCHAR(255), created_at DATETIME, updated_at DATETIME)");
            st.execute("CREATE TABLE t_error_logs (id " + id + ", gemini_key VARCHAR(100), model_name VARCHAR(100), "
                    + "error_type VARCHAR(50), error_log TEXT, error_code INTEGER, request_msg JSON, "
                    + "request_time DATETIME)");
            st.execute("CREATE TABLE t_request_log (id " + id + ", request_time DATETIME, model_name VARCHAR(100), "
                    + "api_key VARCHAR(100), is_success BOOLEAN NOT NULL, status_code INTEGER, latency_ms INTEGER)");
            st.execute("CREATE TABLE t_file_records (id " + id + ", name VARCHAR(255) NOT NULL UNIQUE, "
                    + "display_name VARCHAR(255), mime_type VARCHAR(100) NOT NULL, size_bytes BIGINT NOT NULL, "
                    + "sha256_hash VARCHAR(255), state VARCHAR(10) NOT NULL, create_time DATETIME NOT NULL, "
                    + "update_time DATETIME NOT NULL, expiration_time DATETIME NOT NULL, uri VARCHAR(500) NOT NULL, "
                    + "api_key VARCHAR(100) NOT NULL, upload_url TEXT, user_token VARCHAR(100), "
                    + "upload_completed DATETIME)");
            st.execute("INSERT INTO t_error_logs (gemini_key, model_name, error_type, error_log, error_code, request_time) "
                    + "VALUES ('test-old-error-key', 'gemini-2.5-flash', 'gemini-chat-non-stream', "
                    + "'quota', 429, '2025-09-20 10:00:00')");
            st.execute("INSERT INTO t_request_log (request_time, model_name, api_key, is_success, status_code, latency_ms) "
                    + "VALUES ('2025-09-20 10:00:00', 'gemini-2.5-flash', 'test-old-error-key', "
                    + "0, 429, 120)");
            // a file uploaded by key-ui-added-1 for the client sk-token-from-the-ui-1, Google keeps it until 2099;
            // and one already expired
            st.execute("INSERT INTO t_file_records (name, display_name, mime_type, size_bytes, sha256_hash, state, "
                    + "create_time, update_time, expiration_time, uri, api_key, user_token) VALUES ('" + LIVE_FILE
                    + "', 'plans.pdf', 'application/pdf', 2048, 'abc', 'ACTIVE', '2026-11-30 10:00:00.123456', "
                    + "'2026-11-30 10:00:01', '2099-01-01 00:00:00', "
                    + "'https://generativelanguage.googleapis.com/v1beta/" + LIVE_FILE + "', 'key-ui-added-1', "
                    + "'sk-token-from-the-ui-1')");
            st.execute("INSERT INTO t_file_records (name, display_name, mime_type, size_bytes, sha256_hash, state, "
                    + "create_time, update_time, expiration_time, uri, api_key, user_token) VALUES ('files/gone-1', "
                    + "'old.txt', 'text/plain', 10, 'def', 'ACTIVE', '2025-09-01 08:00:00', '2025-09-01 08:00:00', "
                    + "'2025-09-03 08:00:00', 'https://generativelanguage.googleapis.com/v1beta/files/gone-1', "
                    + "'key-a', 'sk-token-from-the-ui-1')");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t_settings (" + key
                + ", value, description, created_at, updated_at) VALUES (?, ?, ?, '2025-09-01 08:00:00', '2025-09-20 10:00:00')")) {
            for (Map.Entry<String, String> e : settings.entrySet()) {
                ps.setString(1, e.getKey());
                ps.setString(2, e.getValue());
                ps.setString(3, e.getKey() + " configuration setting");
                ps.executeUpdate();
            }
        }
    }

    /** Every row of gemini-balance's tables as text, to show they were left as they were. */
    public static String snapshot(Rows.Db db) {
        StringBuilder sb = new StringBuilder();
        for (String t : new String[] {"t_settings", "t_error_logs", "t_request_log", "t_file_records"}) {
            for (Map<String, Object> row : Rows.query(db, "SELECT * FROM " + t + " ORDER BY id")) {
                sb.append(t).append(' ').append(row).append('\n');
            }
        }
        return sb.toString();
    }

    /** A map literal that keeps its order: {@code settings("MAX_RETRIES", "5", ...)}. */
    public static Map<String, String> settings(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
