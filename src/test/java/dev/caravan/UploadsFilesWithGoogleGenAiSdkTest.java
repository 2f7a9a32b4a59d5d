package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.google.genai.Client;
import com.google.genai.types.Content;
import com.google.genai.types.File;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.ListFilesConfig;
import com.google.genai.types.Part;
import com.google.genai.types.UploadFileConfig;
import dev.caravan.support.Gateway;
import dev.caravan.support.StubFiles;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Google's Java SDK uploads a file through Caravan exactly as it would to Google (resumable: start, then chunks of
 * 8 MiB, the last with finalize), then generates with it, lists, reads and deletes it. The stub plays Google's
 * projects: a file belongs to the key that uploaded it, so every call about the file must come with that key,
 * whichever key the pool's rotation would have picked.
 */
class UploadsFilesWithGoogleGenAiSdkTest {

    private static final String MODEL = "gemini-2.5-flash";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a", "pool-key-b", "pool-key-c");

    private static Client sdk;

    @BeforeAll
    static void client() {
        sdk = Client.builder().apiKey(Gateway.TOKEN)
                .httpOptions(HttpOptions.builder().baseUrl(gateway.url("")).apiVersion("v1beta").build())
                .build();
    }

    @AfterAll
    static void close() {
        sdk.close();
    }

    @Test
    void theSdkUploadsThroughCaravanAndEveryLaterCallGoesWithTheUploadingKey() throws Exception {
        // 9 MiB: two chunks, so the upload URL Caravan handed out is used twice
        byte[] content = new byte[9 * 1024 * 1024];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31);
        }
        File file = sdk.files.upload(content, UploadFileConfig.builder().mimeType("application/pdf")
                .displayName("report").build());

        StubFiles google = gateway.stub().files();
        assertThat(google.files()).hasSize(1);
        StubFiles.StoredFile stored = google.files().get(0);
        assertThat(file.name()).contains(stored.name());
        assertThat(stored.size()).isEqualTo(content.length);
        assertThat(stored.sha256()).isEqualTo(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(content)));
        assertThat(stored.displayName()).isEqualTo("report");
        // start and both chunks with one key of the pool; the client's token never reached Google
        assertThat(google.uploadKeys()).hasSize(3).containsOnly(stored.key());
        assertThat(google.uploadKeys()).doesNotContain(Gateway.TOKEN);
        assertThat(google.calls()).extracting(StubFiles.Call::command)
                .containsExactly("start", "upload", "upload, finalize");

        // the pool has three keys: without affinity, rotation would spread these over all of them
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            GenerateContentResponse answer = sdk.models.generateContent(MODEL, Content.fromParts(
                    Part.fromUri(file.uri().orElseThrow(), "application/pdf"), Part.fromText("Summarize")), null);
            assertThat(answer.text()).isEqualTo("hello");
        }
        for (StubGemini.Received r : gateway.stub().received()) {
            if (r.path().endsWith(":generateContent")) {
                keys.add(r.key());
                assertThat(r.bodyText()).contains(stored.name());
            }
        }
        assertThat(keys).hasSize(4).containsOnly(stored.key());

        // read, list and delete, each with the same key
        assertThat(sdk.files.get(file.name().orElseThrow(), null).sizeBytes()).contains((long) content.length);
        List<String> listed = new ArrayList<>();
        sdk.files.list(ListFilesConfig.builder().pageSize(10).build()).forEach(f -> listed.add(f.name().orElseThrow()));
        assertThat(listed).containsExactly(file.name().orElseThrow());
        sdk.files.delete(file.name().orElseThrow(), null);
        assertThat(google.files()).isEmpty();
        assertThat(google.calls()).filteredOn(c -> c.path().startsWith("/v1beta/files/"))
                .extracting(StubFiles.Call::key).containsOnly(stored.key());
        List<String> after = new ArrayList<>();
        sdk.files.list(null).forEach(f -> after.add(f.name().orElseThrow()));
        assertThat(after).isEmpty();
        // the record holds the key's fingerprint, never the key
        try (var db = gateway.openDatabase(); var rs = db.createStatement().executeQuery("SELECT COUNT(*) FROM file_records")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
        assertThat(new String(content, 0, 4, StandardCharsets.ISO_8859_1)).isNotEmpty();
    }
}
