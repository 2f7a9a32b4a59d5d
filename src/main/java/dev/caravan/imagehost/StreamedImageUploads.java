package dev.caravan.imagehost;

import java.util.Base64;
import java.util.regex.Pattern;

import dev.caravan.dialect.GeneratedImages;
import dev.caravan.dialect.openai.StreamedImages;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Hosts the images of relayed OpenAI streams through the {@code image-streamed} route (direct:image-generated, then
 * UPLOAD_PROVIDER's host, as for whole answers). The upload runs on a worker thread, never on the stream's event
 * loop; the stream waits for it at most IMAGE_UPLOAD_TIMEOUT_SECONDS, and an image whose upload failed or took longer
 * is answered inline, with why noted on the request for its error-log row ({@value GeneratedImages#HOST_FAILURES}).
 * Thread-safe.
 */
public final class StreamedImageUploads implements StreamedImages {

    /** The route each streamed image goes through (routes/image-host.camel.yaml). */
    public static final String ROUTE = "direct:image-streamed";
    private static final Pattern ADDRESS = Pattern.compile("https?://[^\\s()<>\"'\\\\]{1,2048}");

    private final ProducerTemplate template;
    private final String provider;
    private final long deadlineMillis;

    /** What one upload gave: the link, or why there is none. */
    private record Upload(String url, String failure) {
    }

    /** @param deadlineMillis the longest a stream waits for one image (IMAGE_UPLOAD_TIMEOUT_SECONDS) */
    public StreamedImageUploads(ProducerTemplate template, String provider, long deadlineMillis) {
        this.template = template;
        this.provider = provider;
        this.deadlineMillis = deadlineMillis;
    }

    @Override
    public Future<String> link(Exchange request, String mimeType, String base64, int index) {
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext()) {
            // not a relayed stream (a fake stream's whole answer, written from a worker): its images went through
            // image-host with the rest of the answer already, so one left inline stays inline
            return Future.succeededFuture(null);
        }
        Promise<String> link = Promise.promise();
        // both the deadline and the upload's end complete the promise on this context, so the stream goes on here
        long timer = context.owner().setTimer(deadlineMillis, id -> {
            if (link.tryComplete(null)) {
                note(request, "image host " + provider + " did not answer within " + deadlineMillis / 1000
                        + " s, the image was answered inline");
            }
        });
        context.executeBlocking(() -> upload(mimeType, base64, index), false).onComplete(done -> {
            context.owner().cancelTimer(timer);
            Upload upload = done.succeeded() ? done.result()
                    : new Upload(null, "image host " + provider + " failed, the image was answered inline: "
                            + ImageHost.describe(done.cause()));
            if (link.tryComplete(upload.url()) && upload.url() == null && upload.failure() != null) {
                note(request, upload.failure());
            }
        });
        return link.future();
    }

    private Upload upload(String mimeType, String base64, int index) {
        Exchange done = template.send(ROUTE, e -> {
            e.getMessage().setBody(Base64.getDecoder().decode(base64));
            e.getMessage().setHeader(GeneratedImages.MIME_TYPE, mimeType);
            e.getMessage().setHeader(GeneratedImages.INDEX, index);
        });
        String url = done.getMessage().getHeader(GeneratedImages.URL, String.class);
        if (done.getException() == null && url != null && ADDRESS.matcher(url).matches()) {
            return new Upload(url, null);
        }
        String failure = done.getMessage().getHeader(GeneratedImages.HOST_FAILURE, String.class);
        if (failure == null && done.getException() != null) {
            failure = "image host " + provider + " failed, the image was answered inline: "
                    + ImageHost.describe(done.getException());
        }
        return new Upload(null, failure);
    }

    /** Adds why an image stayed inline to the request's error-log note (the stream's images come one at a time). */
    private static void note(Exchange request, String why) {
        String before = request.getProperty(GeneratedImages.HOST_FAILURES, String.class);
        request.setProperty(GeneratedImages.HOST_FAILURES, before == null ? why : before + "; " + why);
    }
}
