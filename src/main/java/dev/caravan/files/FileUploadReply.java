package dev.caravan.files;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.storage.FileRecord;
import dev.caravan.storage.UploadSession;
import dev.caravan.errors.GoogleErrors;
import dev.caravan.upstream.Upstream;
import dev.caravan.upstream.UpstreamReply;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After an upload request went to Google: remembers what it made and answers the client in Google's protocol.
 * A started upload gets a Caravan upload id of its own, mapped in the database to Google's upload URL and the key
 * that opened it (so any replica can take the next chunk), and the client's {@code X-Goog-Upload-URL} points at
 * Caravan with that id: Google's URL, and any key, never reach the client. A finished upload (finalize, or a
 * multipart upload) is recorded with its key and its client. Google's other {@code X-Goog-Upload-*} headers pass
 * through. Thread-safe.
 */
public final class FileUploadReply implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(FileUploadReply.class);
    /** How long Caravan keeps an unfinished upload; Google's own sessions last about a week. */
    static final long UPLOAD_LIFETIME_MS = 24L * 3_600_000L;
    /** A query Caravan may send back under the upload path: plain name=value pairs (as UpstreamRequest accepts). */
    private static final Pattern QUERY = Pattern.compile(
            "[A-Za-z0-9_.-]{1,64}=[A-Za-z0-9_.~%+-]{0,512}(&[A-Za-z0-9_.-]{1,64}=[A-Za-z0-9_.~%+-]{0,512}){0,15}");
    private static final Pattern HOST = Pattern.compile("(\\[[0-9A-Fa-f:.]{2,64}\\]|[A-Za-z0-9.-]{1,253})(:[0-9]{1,5})?");

    private final FileKeys files;
    private final ObjectMapper json;
    private final LongSupplier clock;
    private final SecureRandom random = new SecureRandom();

    public FileUploadReply(FileKeys files, ObjectMapper json, LongSupplier clock) {
        this.files = files;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        Message msg = exchange.getMessage();
        FileUploadRequest.Upload upload = exchange.getProperty(FileUploadRequest.PROPERTY, FileUploadRequest.Upload.class);
        Map<String, String> google = googleHeaders(msg);
        Integer status = msg.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        boolean answered = Upstream.ANSWERED.equals(msg.getHeader(Upstream.OUTCOME)) && status != null && status < 300;
        String key = msg.getHeader(Upstream.KEY_FINGERPRINT, String.class);
        String client = FileKeys.client(exchange);
        // Google's upload headers to the client, except the URLs, which are Google's own
        google.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.equals("x-goog-upload-url") && !lower.equals("x-goog-upload-control-url")) {
                msg.setHeader(name, value);
            }
        });
        if (!answered || upload == null) {
            return;
        }
        long now = clock.getAsLong();
        switch (upload.kind()) {
            case START -> started(exchange, msg, upload, google, key, client, now);
            case CHUNK -> {
                String uploadStatus = header(google, "x-goog-upload-status");
                if ("final".equalsIgnoreCase(uploadStatus)) {
                    FileRecord r = record(msg, client, upload.session().keyFingerprint(), upload, now);
                    if (r != null && !takenElsewhere(msg, r)) {
                        files.records().finishUpload(upload.session().uploadId(), r);
                    }
                }
            }
            case MULTIPART -> {
                FileRecord r = record(msg, client, key, upload, now);
                if (r != null && !takenElsewhere(msg, r)) {
                    files.records().save(r);
                }
            }
        }
    }

    private void started(Exchange exchange, Message msg, FileUploadRequest.Upload upload, Map<String, String> google,
                         String key, String client, long now) {
        String googleUrl = header(google, "x-goog-upload-url");
        String query = googleUrl == null ? null : queryOf(googleUrl);
        if (query == null || key == null) {
            LOG.warn("Google opened an upload without an upload URL Caravan can use; answered 502");
            UpstreamReply.reply(msg, 502, "application/json; charset=UTF-8", GoogleErrors.body(502, "UNAVAILABLE",
                    "Google's answer to the upload start had no usable upload URL"));
            return;
        }
        byte[] id = new byte[24];
        random.nextBytes(id);
        String uploadId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        files.records().startUpload(new UploadSession(uploadId, client, key, query, displayName(upload),
                upload.mimeType(), upload.sizeBytes(), now, now + UPLOAD_LIFETIME_MS));
        msg.setHeader("X-Goog-Upload-URL", caravanAddress(exchange) + "/upload/v1beta/files?upload_id=" + uploadId
                + "&upload_protocol=resumable");
    }

    /** The query of Google's upload URL without any key parameter, if it is one Caravan may send back. */
    static String queryOf(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return null;
        }
        StringBuilder kept = new StringBuilder();
        for (String pair : url.substring(q + 1).split("&")) {
            if (pair.isEmpty() || pair.regionMatches(true, 0, "key=", 0, 4)) {
                continue;
            }
            if (!kept.isEmpty()) {
                kept.append('&');
            }
            kept.append(pair);
        }
        String query = kept.toString();
        return QUERY.matcher(query).matches() && query.contains("upload_id=") ? query : null;
    }

    /**
     * Where the client reached Caravan: its Host (or X-Forwarded-Host behind a proxy), with https when the connection
     * or X-Forwarded-Proto says so. Only the client itself reads the answer, so it can point only itself elsewhere.
     */
    private static String caravanAddress(Exchange exchange) {
        HttpServerRequest req = exchange.getProperty(FileUploadRequest.REQUEST, HttpServerRequest.class);
        String host = req == null ? null : first(req.getHeader("x-forwarded-host"));
        if (host == null || !HOST.matcher(host).matches()) {
            host = req == null ? null : req.getHeader("host");
        }
        if (host == null || !HOST.matcher(host).matches()) {
            host = "localhost";
        }
        String proto = req == null ? null : first(req.getHeader("x-forwarded-proto"));
        boolean https = "https".equalsIgnoreCase(proto) || (proto == null && req != null && req.isSSL());
        return (https ? "https://" : "http://") + host;
    }

    private static String first(String listed) {
        if (listed == null) {
            return null;
        }
        int comma = listed.indexOf(',');
        return (comma < 0 ? listed : listed.substring(0, comma)).trim();
    }

    private String displayName(FileUploadRequest.Upload upload) {
        if (upload.metadata() == null || upload.metadata().length() == 0) {
            return null;
        }
        try {
            JsonNode m = json.readTree(upload.metadata().getBytes());
            JsonNode f = m.has("file") ? m.get("file") : m;
            JsonNode name = f.has("displayName") ? f.get("displayName") : f.get("display_name");
            return name != null && name.isTextual() ? name.asText().substring(0, Math.min(512, name.asText().length())) : null;
        } catch (Exception e) {
            return null;
        }
    }

    private FileRecord record(Message msg, String client, String key, FileUploadRequest.Upload upload, long now) {
        byte[] body = Upstream.bodyBytes(msg);
        try {
            FileRecord r = body == null ? null : GoogleFile.record(json.readTree(body), client, key, upload.mimeType(),
                    upload.sizeBytes(), now);
            if (r == null) {
                LOG.warn("Google finished an upload without a file name Caravan could record");
            }
            return r;
        } catch (Exception e) {
            LOG.warn("Google finished an upload with an answer Caravan could not read: {}", e.getClass().getSimpleName());
            return null;
        }
    }

    /**
     * Whether Google finished an upload under a name Caravan records for another client or key (a name the client
     * chose, taken in another key's project: file names are per project). The record stays its first owner's, and
     * the client gets 409 instead of a file no request could reach; the copy in the other project expires with
     * Google's 48 hours. The upload start refuses such names already; this covers multipart uploads, whose metadata is
     * piped, and a name taken between a start and its end.
     */
    private boolean takenElsewhere(Message msg, FileRecord r) {
        java.util.Optional<FileRecord> existing = files.records().find(r.name());
        if (existing.isEmpty() || existing.get().keyFingerprint().equals(r.keyFingerprint())
                && java.util.Objects.equals(existing.get().ownerFingerprint(), r.ownerFingerprint())) {
            return false;
        }
        UpstreamReply.reply(msg, 409, "application/json; charset=UTF-8", GoogleErrors.body(409, "ALREADY_EXISTS",
                "A file named " + r.name() + " exists already; upload it under another name, or without one"));
        return true;
    }

    /** The Caravan-Google-* headers of the call, by Google's names; they are removed from the message. */
    private static Map<String, String> googleHeaders(Message msg) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        int prefix = Upstream.GOOGLE_PREFIX.length();
        for (String name : java.util.List.copyOf(msg.getHeaders().keySet())) {
            if (name.regionMatches(true, 0, Upstream.GOOGLE_PREFIX, 0, prefix)) {
                out.put(name.substring(prefix), msg.getHeader(name, String.class));
                msg.removeHeader(name);
            }
        }
        return out;
    }

    private static String header(Map<String, String> headers, String name) {
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }
}
