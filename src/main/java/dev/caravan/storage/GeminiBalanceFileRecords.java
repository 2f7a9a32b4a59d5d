package dev.caravan.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.caravan.keys.KeyFingerprint;

/**
 * gemini-balance's {@code t_file_records}: the files its clients uploaded, each with the key whose project holds it
 * and the client token that uploaded it. Taken over so that a generateContent naming one of them still goes with
 * that key (the Files API's key affinity) and the file stays its client's. Keys and tokens are kept as this
 * installation's fingerprints only, as Caravan's own uploads are. Expired files, and rows without a key, are left.
 * gemini-balance writes naive UTC datetimes (SQLAlchemy's {@code datetime.utcnow}-style defaults).
 */
public final class GeminiBalanceFileRecords implements GeminiBalanceImport.Source {

    /** {@code 2026-11-30 10:15:00}, with or without {@code T} and up to microseconds, as SQLite and MySQL return them. */
    private static final DateTimeFormatter DATETIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd")
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendPattern("HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();

    private final KeyFingerprint fingerprints;

    public GeminiBalanceFileRecords(KeyFingerprint fingerprints) {
        this.fingerprints = fingerprints;
    }

    @Override
    public String table() {
        return "t_file_records";
    }

    @Override
    public Map<String, Object> importFrom(Connection c, long now) throws SQLException {
        int taken = 0;
        int expired = 0;
        int unusable = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT name, display_name, mime_type, size_bytes, state, "
                + "create_time, expiration_time, uri, api_key, user_token FROM t_file_records");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String name = rs.getString(1);
                String key = rs.getString(9);
                Long expires = epochMs(rs.getString(7));
                if (name == null || !name.matches("files/[a-z0-9][a-z0-9-]{0,39}") || key == null || key.isBlank()
                        || expires == null) {
                    unusable++;
                    continue;
                }
                if (expires <= now) {
                    expired++;
                    continue;
                }
                String token = rs.getString(10);
                Long created = epochMs(rs.getString(6));
                long size = rs.getLong(4);
                FileRecords.upsert(c, new FileRecord(name,
                        token == null || token.isBlank() ? null : fingerprints.of(token.trim()),
                        fingerprints.of(key.trim()), bounded(rs.getString(2), 512), bounded(rs.getString(3), 255),
                        rs.wasNull() ? null : size, state(rs.getString(5)), bounded(rs.getString(8), 512),
                        created == null ? now : created, expires));
                taken++;
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("files", taken);
        summary.put("expired", expired);
        summary.put("unusable", unusable);
        return summary;
    }

    @Override
    public String describe(Map<String, Object> summary) {
        return summary.get("files") + " file records (their key's and client's fingerprints), "
                + summary.get("expired") + " expired and " + summary.get("unusable") + " unusable left";
    }

    private static Long epochMs(String datetime) {
        if (datetime == null || datetime.length() > 40) {
            return null;
        }
        try {
            return LocalDateTime.parse(datetime.trim(), DATETIME).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** gemini-balance's state enum, or ACTIVE for anything else (the file was finalized, or it would have no row). */
    private static String state(String s) {
        return "PROCESSING".equals(s) || "FAILED".equals(s) ? s : "ACTIVE";
    }

    private static String bounded(String s, int max) {
        return s == null ? null : s.length() > max ? s.substring(0, max) : s;
    }
}
