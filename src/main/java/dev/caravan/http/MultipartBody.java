package dev.caravan.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.caravan.errors.ClientError;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostMultipartRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a multipart/form-data body that the endpoint left unread ({@code readBody: false}), for a route that takes
 * files (OpenAI's {@code /v1/images/edits}). Vert.x's own form decoding is not used: it keeps a part without a
 * {@code filename} as text (OpenAI's Java SDK sends images that way), which would corrupt an image's bytes, and it
 * caps such a part at 8 KB. Here every part keeps its bytes as sent, and Netty's decoder splits them.
 * <p>
 * The body is read within MAX_BODY_SIZE: a {@code Content-Length} over it is a 413 before any byte is read, and a
 * chunked body that grows past it a 413 as soon as it does (the rest stays unread; HttpEdge ends the connection with
 * the answer). A body that stalls is cut by the connection's read timeout. Thread-safe; call it from a worker
 * thread, as it waits for the body.
 */
public final class MultipartBody {

    /** One part: its field name, its file name and type when the client gave them, its bytes as sent. */
    public record Part(String name, String fileName, String contentType, byte[] bytes) {

        /** The part as text (UTF-8). */
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static final long WAIT_MINUTES = 30;

    private final long maxBytes;

    /** @param maxBytes the largest body read (MAX_BODY_SIZE) */
    public MultipartBody(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * The parts of {@code request}'s body, in the order sent.
     *
     * @throws ClientError 400 when the body is not multipart/form-data or malformed, 413 when it is too large
     */
    public List<Part> read(HttpServerRequest request) {
        String type = request == null ? null : request.getHeader("content-type");
        if (type == null || !type.regionMatches(true, 0, "multipart/form-data", 0, "multipart/form-data".length())) {
            throw ClientError.badRequest("The body must be multipart/form-data");
        }
        String length = request.getHeader("content-length");
        if (length != null && tooLarge(length.trim())) {
            throw tooLarge();
        }
        return parse(type, readAll(request));
    }

    private boolean tooLarge(String contentLength) {
        try {
            return Long.parseLong(contentLength) > maxBytes;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private ClientError tooLarge() {
        return new ClientError(413, "INVALID_ARGUMENT", "The request body is larger than " + maxBytes
                + " bytes (MAX_BODY_SIZE)");
    }

    private Buffer readAll(HttpServerRequest request) {
        CompletableFuture<Buffer> done = new CompletableFuture<>();
        Buffer body = Buffer.buffer();
        request.exceptionHandler(done::completeExceptionally);
        request.handler(chunk -> {
            if (done.isDone()) {
                return;
            }
            if (body.length() + (long) chunk.length() > maxBytes) {
                request.pause();
                done.completeExceptionally(tooLarge());
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(v -> done.complete(body));
        request.resume();
        try {
            return done.get(WAIT_MINUTES, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ClientError c) {
                throw c;
            }
            throw new IllegalStateException("the request body could not be read", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the request body did not arrive", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the request body", e);
        }
    }

    private static List<Part> parse(String contentType, Buffer body) {
        FullHttpRequest whole = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/",
                Unpooled.wrappedBuffer(body.getBytes()));
        whole.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpPostMultipartRequestDecoder decoder = null;
        try {
            // memory only: the body is in memory already, and bounded
            decoder = new HttpPostMultipartRequestDecoder(new DefaultHttpDataFactory(false), whole);
            List<Part> parts = new ArrayList<>();
            for (InterfaceHttpData data : decoder.getBodyHttpDatas()) {
                if (data instanceof FileUpload file) {
                    parts.add(new Part(file.getName(), file.getFilename(), file.getContentType(), file.get()));
                } else if (data instanceof Attribute field) {
                    parts.add(new Part(field.getName(), null, null, field.get()));
                }
            }
            return parts;
        } catch (ClientError e) {
            throw e;
        } catch (Exception e) {
            throw ClientError.badRequest("The multipart/form-data body is malformed");
        } finally {
            if (decoder != null) {
                decoder.destroy();
            }
            whole.release();
        }
    }
}
