package dev.caravan.files;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.caravan.errors.ClientError;
import dev.caravan.http.BodyMentions;
import dev.caravan.http.BufferJson;
import dev.caravan.storage.FileRecord;
import dev.caravan.upstream.Upstream;
import io.vertx.core.buffer.Buffer;
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
    /** The file fields as a client usually writes them. */
    static final BodyMentions WRITTEN = new BodyMentions("fileUri", "file_uri");
    /** A JSON escape: fileUri with a letter written as a backslash-u escape is a file name no byte search finds. */
    static final BodyMentions ESCAPED = new BodyMentions("\\u");

    private final FileKeys files;
    private final JsonFactory json;

    public FileAffinity(FileKeys files, JsonFactory json) {
        this.files = files;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getMessage();
        JsonParser parser = parserIfFilesNamed(in.getBody());
        if (parser == null) {
            return;
        }
        String client = FileKeys.client(exchange);
        String model = in.getHeader(Upstream.MODEL, String.class);
        Map<String, FileRecord> byKey = new LinkedHashMap<>();
        int seen = 0;
        for (String name : namedFiles(parser)) {
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

    /**
     * A parser over the body when it mentions {@code fileUri} or {@code file_uri}, or holds a JSON escape (which may
     * spell either), else null: one byte search in the buffer itself, no copy, for the requests (nearly all) that name
     * no file.
     */
    private JsonParser parserIfFilesNamed(Object body) {
        return parser(body, json, true);
    }

    /** Whether a field of the body, read as JSON (escapes decoded), is {@code fileUri} or {@code file_uri}. */
    static boolean namesFileFields(Object body, JsonFactory json) {
        JsonParser parser = parser(body, json, false);
        if (parser == null) {
            return false;
        }
        try (JsonParser p = parser) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME && isFileField(p.currentName())) {
                    return true;
                }
            }
        } catch (java.io.IOException e) {
            // not JSON: the surface's own check answers it, and Google could read no file name in it either
        }
        return false;
    }

    private static boolean isFileField(String field) {
        return "fileUri".equals(field) || "file_uri".equals(field);
    }

    /** A parser over a buffer, text or bytes body (with {@code screened}, only one that may name a file), else null. */
    private static JsonParser parser(Object body, JsonFactory json, boolean screened) {
        try {
            if (body instanceof Buffer buffer) {
                return !screened || WRITTEN.in(buffer) || ESCAPED.in(buffer) ? BufferJson.parser(json, buffer) : null;
            }
            if (body instanceof String text) {
                return !screened || mayName(text) ? json.createParser(text) : null;
            }
            if (body instanceof byte[] bytes) {
                return !screened || mayName(new String(bytes, java.nio.charset.StandardCharsets.UTF_8))
                        ? json.createParser(bytes) : null;
            }
        } catch (java.io.IOException e) {
            return null;
        }
        return null;
    }

    private static boolean mayName(String text) {
        return WRITTEN.in(text) || ESCAPED.in(text);
    }

    /** The distinct file names of every {@code fileUri}/{@code file_uri} string in the body. */
    private static java.util.Set<String> namedFiles(JsonParser parser) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        try (JsonParser p = parser) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    if (isFileField(field) && p.nextToken() == JsonToken.VALUE_STRING) {
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
}
