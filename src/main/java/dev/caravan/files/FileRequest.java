package dev.caravan.files;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.dialect.IncomingRequest;
import dev.caravan.errors.ClientError;
import dev.caravan.http.BufferJson;
import dev.caravan.storage.FileRecord;
import dev.caravan.upstream.Upstream;
import dev.caravan.upstream.UpstreamReply;
import io.vertx.core.http.HttpMethod;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code GET /v1beta/files}, {@code GET} and {@code DELETE /v1beta/files/{id}}. The list is served from Caravan's
 * records (files span every key's project, which no single call to Google could list); one file is asked of Google
 * with the key whose project holds it. A client sees and deletes only its own files while
 * FILES_USER_ISOLATION_ENABLED is on; another's is answered 404, as if it did not exist. Thread-safe.
 */
public final class FileRequest implements Processor {

    /** The record of the file asked for, for {@link #reply}. */
    static final String PROPERTY = "caravanFileRecord";
    private static final String METHOD = "caravanFileMethod";

    private final FileKeys files;
    private final ObjectMapper json;

    public FileRequest(FileKeys files, ObjectMapper json) {
        this.files = files;
        this.json = json;
    }

    /** One file: its record checked, then the contract's headers for Google with its key pinned. */
    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getMessage();
        HttpMethod method = IncomingRequest.method(in);
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.DELETE)) {
            throw new ClientError(405, "METHOD_NOT_ALLOWED", "Method " + method + " is not allowed here; use GET or DELETE");
        }
        String id = in.getHeader("id", String.class);
        String name = FileKeys.name(id);
        if (name == null) {
            throw new ClientError(404, "NOT_FOUND", "No such file: a file id is lower-case letters, digits and dashes");
        }
        FileRecord file = files.visible(name, FileKeys.client(exchange)).orElseThrow(() -> FileKeys.notFound(name));
        files.requireUsable(file, null);
        exchange.setProperty(PROPERTY, file);
        exchange.setProperty(METHOD, method.name());
        in.setBody(null);
        Upstream.call(in, null, method.name(), "/" + name, null);
        in.setHeader(Upstream.KEY_PIN, file.keyFingerprint());
    }

    /** After Google answered: its word on the file's state is kept; a file it deleted, or no longer has, is forgotten. */
    public void reply(Exchange exchange) {
        Message msg = exchange.getMessage();
        FileRecord file = exchange.getProperty(PROPERTY, FileRecord.class);
        Integer status = msg.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (file == null || status == null || !Upstream.ANSWERED.equals(msg.getHeader(Upstream.OUTCOME))) {
            return;
        }
        boolean delete = "DELETE".equals(exchange.getProperty(METHOD, String.class));
        if (status == 404 || (delete && status < 300)) {
            files.records().delete(file.name());
        } else if (status < 300) {
            try {
                var node = BufferJson.tree(json, msg);
                var state = node.get("state");
                if (state != null && state.isTextual() && state.asText().matches("[A-Z_]{1,16}")
                        && !state.asText().equals(file.state())) {
                    files.records().updateState(file.name(), state.asText());
                }
            } catch (Exception e) {
                // Google's answer goes to the client as it is; the record keeps its last known state
            }
        }
    }

    /** The client's files, newest first, in Google's ListFilesResponse shape; pageToken is an offset. */
    public void list(Exchange exchange) {
        Message in = exchange.getMessage();
        IncomingRequest.requireMethod(in, HttpMethod.GET);
        int pageSize = number(in.getHeader("pageSize", String.class), 10, "pageSize");
        if (pageSize < 1 || pageSize > 100) {
            pageSize = pageSize < 1 ? 10 : 100;
        }
        int offset = number(in.getHeader("pageToken", String.class), 0, "pageToken");
        String owner = files.isolated() ? FileKeys.client(exchange) : null;
        List<FileRecord> page = files.records().page(owner, offset, pageSize + 1);
        ObjectNode answer = json.createObjectNode();
        if (!page.isEmpty()) {
            ArrayNode list = answer.putArray("files");
            page.stream().limit(pageSize).forEach(r -> list.add(GoogleFile.json(json, r)));
        }
        if (page.size() > pageSize) {
            answer.put("nextPageToken", Integer.toString(offset + pageSize));
        }
        UpstreamReply.reply(in, 200, "application/json; charset=UTF-8", answer.toString());
    }

    private static int number(String value, int fallback, String name) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        if (!value.matches("[0-9]{1,9}")) {
            throw ClientError.badRequest("Invalid " + name);
        }
        return Integer.parseInt(value);
    }
}
