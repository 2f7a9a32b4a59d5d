package dev.caravan.files;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.caravan.errors.ClientError;
import dev.caravan.storage.FileRecord;
import dev.caravan.upstream.Upstream;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Pins a request whose parts name files uploaded through Caravan ({@code fileData.fileUri}) to the key whose project
 * holds them ({@link Upstream#KEY_PIN}): every attempt goes with that key, and a failure is that key's alone. A file
 * of another client (while isolation is on) is answered 404, files of two different keys 400, and a key that cannot
 * serve now an error naming the file. Files Caravan does not know (uploaded elsewhere) change nothing. A body that
 * names no file costs one byte search. Thread-safe.
 */
public final class FileAffinity implements Processor {

    /** More names than a request could sensibly hold are not each looked up. */
    private static final int MAX_FILES = 64;

    private final FileKeys files;
    private final JsonFactory json;

    public FileAffinity(FileKeys files, JsonFactory json) {
        this.files = files;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getMessage();
        byte[] body = Upstream.bodyBytes(in);
        if (body == null || !(contains(body, "fileUri") || contains(body, "file_uri"))) {
            return;
        }
        String client = FileKeys.client(exchange);
        String model = in.getHeader(Upstream.MODEL, String.class);
        Map<String, FileRecord> byKey = new LinkedHashMap<>();
        int seen = 0;
        for (String name : namedFiles(body)) {
            if (++seen > MAX_FILES) {
                throw ClientError.badRequest("A request may name at most " + MAX_FILES + " files");
            }
            var known = files.records().find(name);
            if (known.isEmpty()) {
                continue;
            }
            FileRecord file = files.visible(name, client).orElseThrow(() -> FileKeys.notFound(name));
            FileRecord other = byKey.putIfAbsent(file.keyFingerprint(), file);
            if (other == null && byKey.size() > 1) {
                FileRecord first = byKey.values().iterator().next();
                throw ClientError.badRequest("Files " + first.name() + " and " + file.name() + " were uploaded with"
                        + " different API keys, whose projects cannot see each other's files; one request can use the"
                        + " files of one upload key only");
            }
        }
        if (byKey.isEmpty()) {
            return;
        }
        FileRecord file = byKey.values().iterator().next();
        files.requireUsable(file, model);
        in.setHeader(Upstream.KEY_PIN, file.keyFingerprint());
    }

    /** The distinct file names of every {@code fileUri}/{@code file_uri} string in the body. */
    private java.util.Set<String> namedFiles(byte[] body) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        try (JsonParser p = json.createParser(body)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    if (("fileUri".equals(field) || "file_uri".equals(field)) && p.nextToken() == JsonToken.VALUE_STRING) {
                        String name = FileKeys.nameInUri(p.getText());
                        if (name != null) {
                            names.add(name);
                        }
                    }
                }
            }
        } catch (java.io.IOException e) {
            // the surface's own check answers malformed JSON; nothing to pin here
        }
        return names;
    }

    private static boolean contains(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
