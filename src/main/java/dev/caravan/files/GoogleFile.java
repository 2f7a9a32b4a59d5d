package dev.caravan.files;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.storage.FileRecord;

/** Google's {@code File} resource: read into a record after an upload, written back for the list Caravan serves. */
final class GoogleFile {

    /** How long Google keeps a file when its answer does not say. */
    static final long DEFAULT_LIFETIME_MS = 48L * 3_600_000L;

    private GoogleFile() {
    }

    /**
     * The record of the file in Google's answer ({@code {"file": {...}}} after an upload, the bare File otherwise), or
     * null when the answer holds no valid file name.
     */
    static FileRecord record(JsonNode answer, String owner, String keyFingerprint, String fallbackMime, Long fallbackSize,
                             long now) {
        JsonNode f = answer.has("file") ? answer.get("file") : answer;
        String name = text(f, "name");
        if (name == null || !name.startsWith("files/") || FileKeys.name(name.substring(6)) == null) {
            return null;
        }
        long created = time(text(f, "createTime"), now);
        long expires = time(text(f, "expirationTime"), created + DEFAULT_LIFETIME_MS);
        String size = text(f, "sizeBytes");
        Long bytes = size != null && size.matches("[0-9]{1,18}") ? Long.valueOf(size) : fallbackSize;
        String mime = text(f, "mimeType");
        String state = text(f, "state");
        return new FileRecord(name, owner, keyFingerprint, bounded(text(f, "displayName"), 512),
                bounded(mime != null ? mime : fallbackMime, 255), bytes,
                state != null && state.matches("[A-Z_]{1,16}") ? state : "PROCESSING", bounded(text(f, "uri"), 512),
                created, expires);
    }

    /**
     * The name an upload's metadata asks for ({@code {"file": {"name": "files/abc"}}}, or {@code "abc"}), as
     * {@code files/<id>}; null when it asks for none (Google then picks one) or the metadata is not JSON.
     */
    static String requestedName(io.vertx.core.buffer.Buffer metadata) {
        if (metadata == null || metadata.length() == 0) {
            return null;
        }
        try {
            JsonNode f = dev.caravan.http.BufferJson.tree(METADATA, metadata).path("file");
            String name = f.path("name").asText(null);
            if (name == null) {
                return null;
            }
            return FileKeys.name(name.startsWith("files/") ? name.substring(6) : name);
        } catch (java.io.IOException notJson) {
            return null;
        }
    }

    private static final ObjectMapper METADATA = new ObjectMapper();

    /** The File as Google's list shows it. */
    static ObjectNode json(ObjectMapper json, FileRecord r) {
        ObjectNode f = json.createObjectNode();
        f.put("name", r.name());
        if (r.displayName() != null) {
            f.put("displayName", r.displayName());
        }
        if (r.mimeType() != null) {
            f.put("mimeType", r.mimeType());
        }
        if (r.sizeBytes() != null) {
            f.put("sizeBytes", Long.toString(r.sizeBytes()));
        }
        f.put("createTime", Instant.ofEpochMilli(r.createdAtMs()).toString());
        f.put("expirationTime", Instant.ofEpochMilli(r.expiresAtMs()).toString());
        if (r.uri() != null) {
            f.put("uri", r.uri());
        }
        f.put("state", r.state());
        f.put("source", "UPLOADED");
        return f;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static String bounded(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private static long time(String rfc3339, long fallback) {
        if (rfc3339 == null) {
            return fallback;
        }
        try {
            return Instant.parse(rfc3339).toEpochMilli();
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }
}
