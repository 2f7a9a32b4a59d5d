package dev.caravan.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A streamed body read as it arrives, with the moment (System.nanoTime) each read returned, so a test can say
 * when the client had the first n bytes. Reads are done on the calling thread; not thread-safe.
 */
public final class Arrivals {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    /** After each read: total bytes received so far and when. */
    private final List<long[]> reads = new ArrayList<>();

    private Arrivals() {
    }

    /** A streamed answer read to its end: the status and headers, and the body with its arrival times. */
    public record Streamed(int status, HttpHeaders headers, Arrivals body) {
        public String contentType() {
            return headers.firstValue("content-type").orElse(null);
        }

        public String text() {
            return body.text();
        }
    }

    /** POSTs JSON to the gateway with the client token and reads the answer as it streams in. */
    public static Streamed post(Gateway gateway, String path, String json) throws IOException, InterruptedException {
        return post(gateway, path, json, text -> { });
    }

    /**
     * POSTs JSON like {@link #post(Gateway, String, String)} and hands the text received so far to {@code afterEachRead}
     * after every read, e.g. to open a {@link StubGemini.Gate} once a chunk is held.
     */
    public static Streamed post(Gateway gateway, String path, String json, java.util.function.Consumer<String> afterEachRead)
            throws IOException, InterruptedException {
        HttpResponse<InputStream> res = gateway.http().send(HttpRequest.newBuilder(URI.create(gateway.url(path)))
                .header("x-goog-api-key", Gateway.TOKEN)
                .header("content-type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = res.body()) {
            return new Streamed(res.statusCode(), res.headers(), readUntil(in, text -> {
                afterEachRead.accept(text);
                return false;
            }));
        }
    }

    /** Reads {@code in} to its end. */
    public static Arrivals readAll(InputStream in) throws IOException {
        return readUntil(in, text -> false);
    }

    /**
     * Opens {@code gate} once for each of {@code chunks} but the last as soon as the text received holds it whole:
     * the {@code afterEachRead} of a {@link StubGemini.Gated} stream relayed unchanged.
     */
    public static java.util.function.Consumer<String> openAsEachArrives(List<String> chunks, StubGemini.Gate gate) {
        int[] opened = {0};
        return text -> {
            while (opened[0] < chunks.size() - 1 && text.startsWith(String.join("", chunks.subList(0, opened[0] + 1)))) {
                opened[0]++;
                gate.open();
            }
        };
    }

    /** Reads {@code in} until {@code enough} holds for the text received so far, or the stream ends. */
    public static Arrivals readUntil(InputStream in, Predicate<String> enough) throws IOException {
        Arrivals a = new Arrivals();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            long now = System.nanoTime();
            a.bytes.write(buf, 0, n);
            a.reads.add(new long[] {a.bytes.size(), now});
            if (enough.test(a.text())) {
                break;
            }
        }
        return a;
    }

    public String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** When the client held at least {@code count} bytes, or -1 when it never did. */
    public long nanosWhenHeld(long count) {
        for (long[] r : reads) {
            if (r[0] >= count) {
                return r[1];
            }
        }
        return -1;
    }

    /**
     * When the client held each of {@code chunks} whole, sent one after another: element i is the moment the
     * bytes of chunks 0..i had all arrived.
     */
    public List<Long> nanosWhenEachHeld(List<String> chunks) {
        List<Long> at = new ArrayList<>();
        long total = 0;
        for (String c : chunks) {
            total += c.getBytes(StandardCharsets.UTF_8).length;
            at.add(nanosWhenHeld(total));
        }
        return at;
    }
}
