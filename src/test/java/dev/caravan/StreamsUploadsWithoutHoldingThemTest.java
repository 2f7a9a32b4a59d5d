package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Properties;

import dev.caravan.support.ChildGateway;
import dev.caravan.support.Gateway;
import dev.caravan.support.StubFiles;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 100 MB upload goes through a gateway whose whole heap is 64 MB: the body cannot have been held, only piped to
 * Google as it arrived (the upload path is the one place MAX_BODY_SIZE, 20 MB by default, does not apply). Google
 * receives every byte, in order.
 */
class StreamsUploadsWithoutHoldingThemTest {

    private static final long SIZE = 100L * 1024 * 1024;

    @Test
    void aHundredMegabyteUploadPassesThroughASixtyFourMegabyteHeap(@TempDir Path folder) throws Exception {
        try (StubGemini stub = new StubGemini()) {
            Properties p = new Properties();
            p.setProperty("caravan.port", String.valueOf(Gateway.freePort()));
            p.setProperty("caravan.base-url", stub.baseUrl());
            p.setProperty("caravan.api-keys", "pool-key-a");
            p.setProperty("caravan.allowed-tokens", "[\"" + Gateway.TOKEN + "\"]");
            p.setProperty("caravan.auth-token", Gateway.ADMIN_TOKEN);
            p.setProperty("caravan.worker-pool-size", "16");
            p.setProperty("camel.management.port", String.valueOf(Gateway.freePort()));
            p.setProperty("caravan.sqlite-database", folder.resolve("caravan.db").toString());
            p.setProperty("caravan.custom-routes-dir", folder.resolve("custom-routes").toString());
            try (ChildGateway child = ChildGateway.start(p, folder, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError")) {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                String base = "http://127.0.0.1:" + child.port();
                HttpResponse<String> start = http.send(HttpRequest.newBuilder(URI.create(base + "/upload/v1beta/files"))
                        .header("x-goog-api-key", Gateway.TOKEN).header("X-Goog-Upload-Protocol", "resumable")
                        .header("X-Goog-Upload-Command", "start")
                        .header("X-Goog-Upload-Header-Content-Length", Long.toString(SIZE))
                        .header("X-Goog-Upload-Header-Content-Type", "video/mp4")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"file\":{\"displayName\":\"big\"}}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(start.statusCode()).as(start.body()).isEqualTo(200);
                String url = start.headers().firstValue("x-goog-upload-url").orElseThrow();

                MessageDigest sent = MessageDigest.getInstance("SHA-256");
                HttpResponse<String> done = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofMinutes(5))
                        .header("x-goog-api-key", Gateway.TOKEN).header("X-Goog-Upload-Command", "upload, finalize")
                        .header("X-Goog-Upload-Offset", "0")
                        .POST(HttpRequest.BodyPublishers.fromPublisher(
                                HttpRequest.BodyPublishers.ofInputStream(() -> new Generated(SIZE, sent)), SIZE))
                        .build(), HttpResponse.BodyHandlers.ofString());

                assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
                assertThat(done.headers().firstValue("x-goog-upload-status")).contains("final");
                assertThat(child.alive()).isTrue();
                StubFiles.StoredFile file = stub.files().files().get(0);
                assertThat(file.size()).isEqualTo(SIZE);
                assertThat(file.sha256()).isEqualTo(HexFormat.of().formatHex(sent.digest()));
                assertThat(file.key()).isEqualTo("pool-key-a");
            } finally {
                Path log = folder.resolve("child.log");
                if (Files.exists(log) && Files.readString(log).contains("OutOfMemoryError")) {
                    throw new AssertionError("the gateway ran out of memory: " + Files.readString(log));
                }
            }
        }
    }

    /** {@code size} bytes of a fixed pattern, made as they are read and hashed on the way; never held. */
    private static final class Generated extends InputStream {
        private final long size;
        private final MessageDigest digest;
        private long read;

        Generated(long size, MessageDigest digest) {
            this.size = size;
            this.digest = digest;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (read >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - read);
            for (int i = 0; i < n; i++) {
                long at = read + i;
                b[off + i] = (byte) (at * 131 + (at >>> 13));
            }
            digest.update(b, off, n);
            read += n;
            return n;
        }
    }
}
