package dev.caravan.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

/**
 * The {@code file_records} and {@code file_uploads} tables: which key's project holds each file uploaded through
 * Caravan and which client uploaded it, and the resumable uploads in progress. Expired rows are invisible to every
 * read and removed by {@link #deleteExpired}. Thread-safe: every call uses its own connection.
 */
public final class FileRecords {

    private static final String RECORD_COLUMNS = "name, owner_fingerprint, key_fingerprint, display_name, mime_type, "
            + "size_bytes, state, uri, created_at_ms, expires_at_ms";
    private static final String UPLOAD_COLUMNS = "upload_id, owner_fingerprint, key_fingerprint, google_query, "
            + "display_name, mime_type, size_bytes, created_at_ms, expires_at_ms";

    private final DataSource ds;
    private final LongSupplier clock;

    public FileRecords(DataSource ds, LongSupplier clock) {
        this.ds = ds;
        this.clock = clock;
    }

    /** Remembers a resumable upload that Google opened. */
    public void startUpload(UploadSession s) {
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO file_uploads (" + UPLOAD_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, s.uploadId());
                ps.setString(2, s.ownerFingerprint());
                ps.setString(3, s.keyFingerprint());
                ps.setString(4, s.googleQuery());
                ps.setString(5, s.displayName());
                ps.setString(6, s.mimeType());
                setLong(ps, 7, s.sizeBytes());
                ps.setLong(8, s.createdAtMs());
                ps.setLong(9, s.expiresAtMs());
                ps.executeUpdate();
            }
        });
    }

    /** The upload with this id, unless it expired. */
    public Optional<UploadSession> upload(String uploadId) {
        return read("SELECT " + UPLOAD_COLUMNS + " FROM file_uploads WHERE upload_id = ? AND expires_at_ms > ?",
                ps -> {
                    ps.setString(1, uploadId);
                    ps.setLong(2, clock.getAsLong());
                }, FileRecords::session).stream().findFirst();
    }

    /** The upload is finished: its session goes, and the file it made is recorded, in one transaction. */
    public void finishUpload(String uploadId, FileRecord record) {
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM file_uploads WHERE upload_id = ?")) {
                ps.setString(1, uploadId);
                ps.executeUpdate();
            }
            upsert(c, record);
        });
    }

    /** Records a file (or replaces the record of the same name). */
    public void save(FileRecord record) {
        write(c -> upsert(c, record));
    }

    /**
     * Records a file that another gateway uploaded, e.g. a row of gemini-balance's {@code t_file_records}: the
     * caller fingerprints its {@code api_key} and {@code user_token} with this installation's
     * {@code KeyFingerprint} (the key by {@code of}, the token as the token check does) and passes no secret here.
     * A record already present under the name is replaced.
     */
    public void importRecord(FileRecord record) {
        save(record);
    }

    /** The file of this name, unless its record expired. */
    public Optional<FileRecord> find(String name) {
        return read("SELECT " + RECORD_COLUMNS + " FROM file_records WHERE name = ? AND expires_at_ms > ?", ps -> {
            ps.setString(1, name);
            ps.setLong(2, clock.getAsLong());
        }, FileRecords::record).stream().findFirst();
    }

    /**
     * A page of the files not expired, newest first.
     *
     * @param owner  the owner's fingerprint, or null for every file
     * @param offset rows to skip
     * @param limit  rows at most
     */
    public List<FileRecord> page(String owner, int offset, int limit) {
        String sql = "SELECT " + RECORD_COLUMNS + " FROM file_records WHERE expires_at_ms > ?"
                + (owner == null ? "" : " AND owner_fingerprint = ?") + " ORDER BY created_at_ms DESC, name LIMIT ? OFFSET ?";
        return read(sql, ps -> {
            int i = 1;
            ps.setLong(i++, clock.getAsLong());
            if (owner != null) {
                ps.setString(i++, owner);
            }
            ps.setInt(i++, limit);
            ps.setInt(i, offset);
        }, FileRecords::record);
    }

    /** Keeps Google's latest word on a file's state. */
    public void updateState(String name, String state) {
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE file_records SET state = ? WHERE name = ?")) {
                ps.setString(1, state);
                ps.setString(2, name);
                ps.executeUpdate();
            }
        });
    }

    /** Forgets a file; true when there was a record. */
    public boolean delete(String name) {
        boolean[] deleted = new boolean[1];
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM file_records WHERE name = ?")) {
                ps.setString(1, name);
                deleted[0] = ps.executeUpdate() > 0;
            }
        });
        return deleted[0];
    }

    /** Removes expired file records and upload sessions; returns how many rows went. */
    public int deleteExpired() {
        long now = clock.getAsLong();
        int[] n = new int[1];
        write(c -> {
            for (String table : List.of("file_records", "file_uploads")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE expires_at_ms <= ?")) {
                    ps.setLong(1, now);
                    n[0] += ps.executeUpdate();
                }
            }
        });
        return n[0];
    }

    static void upsert(Connection c, FileRecord r) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM file_records WHERE name = ?");
             PreparedStatement ins = c.prepareStatement("INSERT INTO file_records (" + RECORD_COLUMNS
                     + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            del.setString(1, r.name());
            del.executeUpdate();
            ins.setString(1, r.name());
            ins.setString(2, r.ownerFingerprint());
            ins.setString(3, r.keyFingerprint());
            ins.setString(4, r.displayName());
            ins.setString(5, r.mimeType());
            setLong(ins, 6, r.sizeBytes());
            ins.setString(7, r.state());
            ins.setString(8, r.uri());
            ins.setLong(9, r.createdAtMs());
            ins.setLong(10, r.expiresAtMs());
            ins.executeUpdate();
        }
    }

    private static void setLong(PreparedStatement ps, int i, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, value);
        }
    }

    private static Long getLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    private static FileRecord record(ResultSet rs) throws SQLException {
        return new FileRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                getLong(rs, 6), rs.getString(7), rs.getString(8), rs.getLong(9), rs.getLong(10));
    }

    private static UploadSession session(ResultSet rs) throws SQLException {
        return new UploadSession(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), getLong(rs, 7), rs.getLong(8), rs.getLong(9));
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> read(String sql, Binder binder, RowMapper<T> mapper) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the file records: " + e.getMessage(), e);
        }
    }

    private void write(Transactions.Work work) {
        try {
            Transactions.run(ds, work);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot save the file records: " + e.getMessage(), e);
        }
    }
}
