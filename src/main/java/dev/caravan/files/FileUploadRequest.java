package dev.caravan.files;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import dev.caravan.errors.ClientError;
import dev.caravan.storage.UploadSession;
import dev.caravan.upstream.Upstream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Reads a request of Google's upload protocol ({@code /upload/v1beta/files}) into the upstream contract. The
 * endpoint leaves the body unread, so that a file's bytes are piped to Google as they arrive rather than held:
 * <ul>
 *   <li>{@code X-Goog-Upload-Protocol: resumable} with command {@code start}: opens an upload with a key of the pool
 *       (the small JSON metadata is read here, at most {@value #MAX_START_BYTES} bytes, so that a refused key can be
 *       replaced by the next);</li>
 *   <li>{@code ?upload_id=} (Caravan's own id) with {@code upload}, {@code finalize}, {@code upload, finalize},
 *       {@code query} or {@code cancel}: continues that upload, with the key that opened it, to Google's own upload
 *       URL; only the client that started it may, others get 404;</li>
 *   <li>{@code X-Goog-Upload-Protocol: multipart}: the whole file in one request, with a key of the pool.</li>
 * </ul>
 * What the reply step needs is left in a private exchange property. Thread-safe.
 */
public final class FileUploadRequest implements Processor {

    static final String PROPERTY = "caravanFileUpload";
    /** The client's request itself (its Host names Caravan's address in the upload URL). */
    static final String REQUEST = "caravanFileUploadClient";
    static final int MAX_START_BYTES = 64 * 1024;

    /** What kind of upload request this is, for the reply step. */
    record Upload(Kind kind, UploadSession session, Buffer metadata, String mimeType, Long sizeBytes) {
        enum Kind { START, CHUNK, MULTIPART }

        boolean finalizes(String command) {
            return command != null && command.toLowerCase(Locale.ROOT).contains("finalize");
        }
    }

    private static final Pattern UPLOAD_ID = Pattern.compile("[A-Za-z0-9_-]{16,64}");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
    private static final Pattern MIME = Pattern.compile("[A-Za-z0-9!#$&^_.+-]{1,64}/[A-Za-z0-9!#$&^_.+-]{1,128}");
    private static final java.util.Set<String> COMMANDS = java.util.Set.of("upload", "finalize", "query", "cancel");

    private final FileKeys files;

    public FileUploadRequest(FileKeys files) {
        this.files = files;
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getMessage();
        if (!(in.getBody() instanceof HttpServerRequest request)) {
            throw new IllegalStateException("the upload endpoint must leave the body unread (readBody: false)");
        }
        String method = request.method().name();
        if (!method.equals("POST") && !method.equals("PUT")) {
            throw new ClientError(405, "METHOD_NOT_ALLOWED", "Method " + method + " is not allowed here; use POST");
        }
        exchange.setProperty(REQUEST, request);
        String uploadId = request.getParam("upload_id");
        String protocol = lower(request.getHeader("x-goog-upload-protocol"));
        String command = lower(request.getHeader("x-goog-upload-command"));
        String client = FileKeys.client(exchange);
        in.setHeader(Upstream.BASE, Upstream.UPLOAD_BASE);
        in.setHeader(Upstream.PATH, "/files");
        in.setHeader(Upstream.METHOD, "POST");
        if (uploadId != null) {
            chunk(exchange, in, request, uploadId, command, client);
        } else if ("resumable".equals(protocol) && "start".equals(command)) {
            start(exchange, in, request);
        } else if ("multipart".equals(protocol)) {
            in.setHeader(Upstream.FORWARD_PREFIX + "X-Goog-Upload-Protocol", "multipart");
            exchange.setProperty(PROPERTY, new Upload(Upload.Kind.MULTIPART, null, null, null, null));
        } else {
            throw ClientError.badRequest("Send X-Goog-Upload-Protocol: resumable with X-Goog-Upload-Command: start, or "
                    + "X-Goog-Upload-Protocol: multipart, or continue an upload at the X-Goog-Upload-URL it was given");
        }
    }

    private void start(Exchange exchange, Message in, HttpServerRequest request) {
        String mime = request.getHeader("x-goog-upload-header-content-type");
        String size = request.getHeader("x-goog-upload-header-content-length");
        if (mime != null && !MIME.matcher(mime.trim()).matches()) {
            throw ClientError.badRequest("Invalid X-Goog-Upload-Header-Content-Type");
        }
        if (size != null && !DIGITS.matcher(size.trim()).matches()) {
            throw ClientError.badRequest("Invalid X-Goog-Upload-Header-Content-Length");
        }
        in.setHeader(Upstream.FORWARD_PREFIX + "X-Goog-Upload-Protocol", "resumable");
        in.setHeader(Upstream.FORWARD_PREFIX + "X-Goog-Upload-Command", "start");
        if (mime != null) {
            in.setHeader(Upstream.FORWARD_PREFIX + "X-Goog-Upload-Header-Content-Type", mime.trim());
        }
        if (size != null) {
            in.setHeader(Upstream.FORWARD_PREFIX + "X-Goog-Upload-Header-Content-Length", size.trim());
        }
        Buffer metadata = readSmall(request);
        refuseTakenName(metadata);
        in.setBody(metadata.length() == 0 ? null : metadata);
        exchange.setProperty(PROPERTY, new Upload(Upload.Kind.START, null, metadata,
                mime == null ? null : mime.trim(), size == null ? null : Long.parseLong(size.trim())));
    }

    private void chunk(Exchange exchange, Message in, HttpServerRequest request, String uploadId, String command,
                       String client) {
        if (!UPLOAD_ID.matcher(uploadId).matches()) {
            throw new ClientError(404, "NOT_FOUND", "No such upload");
        }
        UploadSession session = files.records().upload(uploadId)
                .filter(s -> s.ownerFingerprint().equals(client))
                .orElseThrow(() -> new ClientError(404, "NOT_FOUND", "No such upload (it may have expired)"));
        if (command == null || command.isEmpty()) {
            throw ClientError.badRequest("X-Goog-Upload-Command is required");
        }
        for (String part : command.split(",")) {
            if (!COMMANDS.contains(part.trim())) {
                throw ClientError.badRequest("Unknown X-Goog-Upload-Command");
            }
        }
        in.setHeader(Upstream.QUERY, session.googleQuery());
        in.setHeader(Upstream.KEY_PIN, session.keyFingerprint());
        in.setHeader(Upstream.FORWARD_PREFIX + "X-Goog-Upload-Command", command);
        String offset = request.getHeader("x-goog-upload-offset");
        if (offset != null) {
            if (!DIGITS.matcher(offset.trim()).matches()) {
                throw ClientError.badRequest("Invalid X-Goog-Upload-Offset");
            }
            in.setHeader(Upstream.FORWARD_PREFIX + "X-Goog-Upload-Offset", offset.trim());
        }
        if (!command.contains("upload")) {
            // a status query, a cancel or a bare finalize carries no bytes (an unread body closes the connection)
            in.setBody(null);
        }
        exchange.setProperty(PROPERTY, new Upload(Upload.Kind.CHUNK, session, null, session.mimeType(),
                session.sizeBytes()));
    }

    /**
     * 409 for an upload that names a file Caravan already records: file names are per Google project, so another key's
     * project would take the name, and the record (one per name) would then point one client's file at another
     * client's upload. Google answers the same within one project.
     */
    private void refuseTakenName(Buffer metadata) {
        String requested = GoogleFile.requestedName(metadata);
        if (requested != null && files.records().find(requested).isPresent()) {
            throw new ClientError(409, "ALREADY_EXISTS", "A file named " + requested + " exists already; upload it"
                    + " under another name, or without one");
        }
    }

    /** The start's JSON metadata, read whole up to a small cap (413 beyond it). */
    private static Buffer readSmall(HttpServerRequest request) {
        String length = request.getHeader("content-length");
        if (length != null && (!DIGITS.matcher(length.trim()).matches() || Long.parseLong(length.trim()) > MAX_START_BYTES)) {
            throw new ClientError(413, "INVALID_ARGUMENT", "The upload's metadata is larger than " + MAX_START_BYTES + " bytes");
        }
        CompletableFuture<Buffer> done = new CompletableFuture<>();
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (body.length() + chunk.length() > MAX_START_BYTES) {
                request.pause();
                done.completeExceptionally(new ClientError(413, "INVALID_ARGUMENT",
                        "The upload's metadata is larger than " + MAX_START_BYTES + " bytes"));
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(done::completeExceptionally);
        request.endHandler(v -> done.complete(body));
        request.resume();
        try {
            // the connection's read timeout ends a client that stalls; this bound is a backstop
            return done.get(5, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ClientError ce) {
                throw ce;
            }
            throw ClientError.badRequest("The upload's metadata could not be read");
        } catch (TimeoutException e) {
            throw new ClientError(408, "DEADLINE_EXCEEDED", "The upload's metadata did not arrive in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the upload's metadata", e);
        }
    }

    private static String lower(String s) {
        return s == null ? null : s.trim().toLowerCase(Locale.ROOT);
    }
}
