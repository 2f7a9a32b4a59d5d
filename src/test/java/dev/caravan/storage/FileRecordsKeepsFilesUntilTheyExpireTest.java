package dev.caravan.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import dev.caravan.support.ScratchSqlite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file records: an upload's session becomes a record when it finishes, pages show a client's own files newest
 * first, an imported record (gemini-balance's t_file_records) reads like any other, and expired rows vanish from
 * every read at once and from the tables at the cleanup.
 */
class FileRecordsKeepsFilesUntilTheyExpireTest {

    private static final long HOUR = 3_600_000L;

    @Test
    void readsListsImportsAndCleansUpFileRecords(@TempDir Path folder) {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        FileRecords records = new FileRecords(ScratchSqlite.migrated(folder), now::get);

        records.startUpload(new UploadSession("caravan-upload-id-0001", "owner-a", "key-1", "upload_id=g1",
                "report", "application/pdf", 42L, now.get(), now.get() + 24 * HOUR));
        assertThat(records.upload("caravan-upload-id-0001")).get().extracting(UploadSession::keyFingerprint).isEqualTo("key-1");
        records.finishUpload("caravan-upload-id-0001", new FileRecord("files/a1", "owner-a", "key-1", "report",
                "application/pdf", 42L, "ACTIVE", "https://g/v1beta/files/a1", now.get(), now.get() + 48 * HOUR));
        assertThat(records.upload("caravan-upload-id-0001")).isEmpty();

        now.addAndGet(1000);
        records.importRecord(new FileRecord("files/b2", "owner-b", "key-2", null, "image/png", null, "PROCESSING", null,
                now.get(), now.get() + 2 * HOUR));
        now.addAndGet(1000);
        records.save(new FileRecord("files/c3", "owner-a", "key-2", "later", "text/plain", 3L, "ACTIVE", null,
                now.get(), now.get() + 48 * HOUR));

        assertThat(records.page("owner-a", 0, 10)).extracting(FileRecord::name).containsExactly("files/c3", "files/a1");
        assertThat(records.page("owner-a", 1, 10)).extracting(FileRecord::name).containsExactly("files/a1");
        assertThat(records.page(null, 0, 10)).extracting(FileRecord::name).containsExactly("files/c3", "files/b2", "files/a1");
        assertThat(records.find("files/b2")).get().extracting(FileRecord::sizeBytes).isNull();
        records.updateState("files/b2", "ACTIVE");
        assertThat(records.find("files/b2")).get().extracting(FileRecord::state).isEqualTo("ACTIVE");

        // the imported record expires first: invisible at once, gone from the table at the cleanup
        now.addAndGet(3 * HOUR);
        assertThat(records.find("files/b2")).isEmpty();
        assertThat(records.page(null, 0, 10)).extracting(FileRecord::name).containsExactly("files/c3", "files/a1");
        assertThat(records.deleteExpired()).isEqualTo(1);
        assertThat(records.delete("files/a1")).isTrue();
        assertThat(records.delete("files/a1")).isFalse();
        now.addAndGet(48 * HOUR);
        assertThat(records.deleteExpired()).isEqualTo(1);
        assertThat(records.page(null, 0, 10)).isEmpty();
    }
}
