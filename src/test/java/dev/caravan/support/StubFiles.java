package dev.caravan.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;

/**
 * Google's Files API as the stub speaks it: resumable uploads (start, upload, finalize, query) at
 * {@code /upload/v1beta/files}, multipart uploads, and {@code GET}/{@code DELETE /v1beta/files/{id}}. A file belongs
 * to the key that uploaded it, as in Google's projects: another key gets 403 for it, and an upload continued with
 * another key is refused. Bodies are counted and hashed as they arrive, never held, so a 100 MB upload costs the
 * test no memory. Thread-safe.
 */
public final class StubFiles {

    /** One request of the Files API as the stub saw it: which key, which command, how many body bytes. */
    public record Call(String method, String path, String key, String command, long bytes) {
    }

    /** A finished file: its name, the key whose "project" holds it, its size and SHA-256 (hex). */
    public record StoredFile(String name, String key, String mimeType, long size, String sha256, String displayName) {
    }

    private record Session(String key, String mimeType, String displayName, MessageDigest digest, long[] received) {
    }

    private final String baseUrl;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, StoredFile> files = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    StubFiles(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<StoredFile> files() {
        return new ArrayList<>(files.values());
    }

    /** The keys the upload requests (start, chunks, multipart) came with, in order. */
    public List<String> uploadKeys() {
        return calls.stream().filter(c -> c.path().startsWith("/upload/")).map(Call::key).toList();
    }

    void reset() {
        sessions.clear();
        files.clear();
        calls.clear();
    }

    void upload(HttpExchange ex) throws IOException {
        String key = ex.getRequestHeaders().getFirst("x-goog-api-key");
        String command = lower(ex.getRequestHeaders().getFirst("x-goog-upload-command"));
        String protocol = lower(ex.getRequestHeaders().getFirst("x-goog-upload-protocol"));
        String query = ex.getRequestURI().getRawQuery();
        String uploadId = param(query, "upload_id");
        if (uploadId == null && "multipart".equals(protocol)) {
            MessageDigest digest = sha256();
            long n = drain(ex.getRequestBody(), digest);
            calls.add(new Call(ex.getRequestMethod(), ex.getRequestURI().getPath(), key, "multipart", n));
            StoredFile f = store(key, "application/octet-stream", n, digest, "multipart");
            json(ex, 200, Map.of(), "{\"file\": " + fileJson(f) + "}");
            return;
        }
        if (uploadId == null) {
            byte[] meta = ex.getRequestBody().readAllBytes();
            calls.add(new Call(ex.getRequestMethod(), ex.getRequestURI().getPath(), key, command, meta.length));
            if (!"resumable".equals(protocol) || !"start".equals(command)) {
                json(ex, 400, Map.of(), error(400, "INVALID_ARGUMENT", "Bad upload request"));
                return;
            }
            String id = "ABgVH" + UUID.randomUUID().toString().replace("-", "");
            String text = new String(meta, StandardCharsets.UTF_8);
            int at = text.indexOf("displayName\":");
            String display = at < 0 ? null : text.substring(text.indexOf('"', at + 13) + 1, text.indexOf('"', text.indexOf('"', at + 13) + 1));
            sessions.put(id, new Session(key, ex.getRequestHeaders().getFirst("x-goog-upload-header-content-type"),
                    display, sha256(), new long[1]));
            json(ex, 200, Map.of("X-Goog-Upload-URL", origin() + "/upload/v1beta/files?upload_id=" + id
                    + "&upload_protocol=resumable", "X-Goog-Upload-Status", "active",
                    "X-Goog-Upload-Chunk-Granularity", "8388608", "X-Goog-Upload-Control-URL",
                    origin() + "/upload/v1beta/files?upload_id=" + id + "&upload_protocol=resumable"), "");
            return;
        }
        Session s = sessions.get(uploadId);
        if (s == null || !s.key().equals(key)) {
            long n = drain(ex.getRequestBody(), null);
            calls.add(new Call(ex.getRequestMethod(), ex.getRequestURI().getPath(), key, command, n));
            json(ex, 400, Map.of("X-Goog-Upload-Status", "final"), error(400, "INVALID_ARGUMENT",
                    "Failed to find the upload session"));
            return;
        }
        long n = drain(ex.getRequestBody(), s.digest());
        s.received()[0] += n;
        calls.add(new Call(ex.getRequestMethod(), ex.getRequestURI().getPath(), key, command, n));
        if (command != null && command.contains("finalize")) {
            sessions.remove(uploadId);
            StoredFile f = store(key, s.mimeType(), s.received()[0], s.digest(), s.displayName());
            json(ex, 200, Map.of("X-Goog-Upload-Status", "final"), "{\"file\": " + fileJson(f) + "}");
        } else {
            json(ex, 200, Map.of("X-Goog-Upload-Status", "active", "X-Goog-Upload-Size-Received",
                    Long.toString(s.received()[0])), "");
        }
    }

    void file(HttpExchange ex) throws IOException {
        String key = ex.getRequestHeaders().getFirst("x-goog-api-key");
        ex.getRequestBody().readAllBytes();
        String path = ex.getRequestURI().getPath();
        calls.add(new Call(ex.getRequestMethod(), path, key, null, 0));
        String name = path.substring(path.indexOf("files/"));
        StoredFile f = files.get(name);
        if (f == null) {
            json(ex, 403, Map.of(), error(403, "PERMISSION_DENIED",
                    "You do not have permission to access the File " + name.substring(6) + " or it may not exist."));
            return;
        }
        if (!f.key().equals(key)) {
            json(ex, 403, Map.of(), error(403, "PERMISSION_DENIED",
                    "You do not have permission to access the File " + name.substring(6) + " or it may not exist."));
            return;
        }
        if (ex.getRequestMethod().equals("DELETE")) {
            files.remove(name);
            json(ex, 200, Map.of(), "{}");
        } else {
            json(ex, 200, Map.of(), fileJson(f));
        }
    }

    /** The name the next finished upload gets (as a name its client chose, which another project may hold too). */
    public void nameNextFile(String name) {
        nextName = name;
    }

    private volatile String nextName;

    private StoredFile store(String key, String mime, long size, MessageDigest digest, String displayName) {
        String chosen = nextName;
        nextName = null;
        String name = chosen != null ? chosen : "files/" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        StoredFile f = new StoredFile(name, key, mime == null ? "application/octet-stream" : mime, size,
                HexFormat.of().formatHex(digest.digest()), displayName);
        files.put(name, f);
        return f;
    }

    private String fileJson(StoredFile f) {
        Instant now = Instant.now();
        return "{\"name\": \"" + f.name() + "\", " + (f.displayName() == null ? "" : "\"displayName\": \"" + f.displayName() + "\", ")
                + "\"mimeType\": \"" + f.mimeType() + "\", \"sizeBytes\": \"" + f.size() + "\", \"createTime\": \""
                + now + "\", \"updateTime\": \"" + now + "\", \"expirationTime\": \"" + now.plusSeconds(48 * 3600)
                + "\", \"sha256Hash\": \"" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(f.sha256()))
                + "\", \"uri\": \"" + baseUrl + "/" + f.name() + "\", \"state\": \"ACTIVE\", \"source\": \"UPLOADED\"}";
    }

    private String origin() {
        return baseUrl.substring(0, baseUrl.length() - "/v1beta".length());
    }

    private static long drain(InputStream in, MessageDigest digest) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long n = 0;
        int r;
        while ((r = in.read(buf)) > 0) {
            n += r;
            if (digest != null) {
                digest.update(buf, 0, r);
            }
        }
        return n;
    }

    private static void json(HttpExchange ex, int status, Map<String, String> headers, String body) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0) {
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        }
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
        ex.close();
    }

    private static String param(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static String error(int code, String status, String message) {
        return "{\n  \"error\": {\n    \"code\": " + code + ",\n    \"message\": \"" + message + "\",\n    \"status\": \""
                + status + "\"\n  }\n}\n";
    }

    private static String lower(String s) {
        return s == null ? null : s.trim().toLowerCase(Locale.ROOT);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
