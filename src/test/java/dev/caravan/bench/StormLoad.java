package dev.caravan.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The storm's clients: an open-loop load that asks the gateway for {@link StormSettings#ratePerSecond} requests a
 * second per model, evenly spaced, whatever the answers (a refused client does not slow the others down), rotating
 * over the client tokens. Records each request's send time on the stub's clock, its status, how long the client
 * waited and the Retry-After it was given. One thread paces the load; answers arrive on the HTTP client's threads.
 */
public final class StormLoad {

    /** One client request and what it got. {@code sentMillis} is on the stub's clock; status 0: no answer. */
    public record Result(int model, int client, long sentMillis, int status, double waitMillis, String retryAfter,
                         String message) {
    }

    private final StormSettings settings;
    private final String gatewayUrl;
    private final List<String> tokens;
    private final long epochNanos;
    private final ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
    private final ExecutorService answers = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "storm-client");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http;

    /**
     * @param gatewayUrl the gateway's root, e.g. {@code http://127.0.0.1:8000}
     * @param tokens     client tokens (ALLOWED_TOKENS), one per client
     * @param epochNanos the stub's clock origin ({@link StormStub#epochNanos()})
     */
    public StormLoad(StormSettings settings, String gatewayUrl, List<String> tokens, long epochNanos) {
        this.settings = settings;
        this.gatewayUrl = gatewayUrl;
        this.tokens = List.copyOf(tokens);
        this.epochNanos = epochNanos;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(answers)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A generateContent body whose text has {@code chars} characters. */
    static String body(int chars) {
        StringBuilder text = new StringBuilder(chars);
        String words = "the storm asks for more than the pool can give ";
        while (text.length() < chars) {
            text.append(words);
        }
        text.setLength(chars);
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + text + "\"}]}]}";
    }

    /** Sends the load for the run's length, then waits for every answer (at most the clients' deadline). */
    public List<Result> run() throws InterruptedException {
        List<StormSettings.Model> models = settings.models();
        long[] period = new long[models.size()];
        long[] next = new long[models.size()];
        for (int m = 0; m < models.size(); m++) {
            period[m] = Math.max(1, Math.round(1e9 / settings.ratePerSecond(models.get(m))));
            // models take turns rather than all firing at the same instant
            next[m] = period[m] * m / models.size();
        }
        String body = body(settings.promptChars());
        long end = settings.runMillis() * 1_000_000L;
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        int[] sentOf = new int[models.size()];
        while (true) {
            int m = 0;
            for (int i = 1; i < next.length; i++) {
                if (next[i] < next[m]) {
                    m = i;
                }
            }
            long at = next[m];
            if (at >= end) {
                break;
            }
            next[m] += period[m];
            long wait;
            while ((wait = epochNanos + at - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            // each model's requests go round the clients on their own, so no client gets one model only
            inFlight.add(send(m, (sentOf[m]++ + m) % tokens.size(), body));
        }
        try {
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                    .get(settings.clientTimeoutMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (Exception stillWaiting) {
            // those without an answer were recorded as status 0 by their own time-out
        }
        answers.shutdown();
        return List.copyOf(results);
    }

    private CompletableFuture<?> send(int m, int client, String body) {
        String model = settings.models().get(m).name();
        HttpRequest request = HttpRequest.newBuilder(URI.create(gatewayUrl + "/v1beta/models/" + model + ":generateContent"))
                .header("x-goog-api-key", tokens.get(client))
                .header("content-type", "application/json")
                .timeout(Duration.ofMillis(settings.clientTimeoutMillis()))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long start = System.nanoTime();
        long sentMillis = (start - epochNanos) / 1_000_000;
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((res, failure) -> {
            double waited = (System.nanoTime() - start) / 1e6;
            if (res == null) {
                results.add(new Result(m, client, sentMillis, 0, waited, null, String.valueOf(failure)));
            } else {
                results.add(new Result(m, client, sentMillis, res.statusCode(), waited,
                        res.headers().firstValue("retry-after").orElse(null),
                        res.statusCode() == 200 ? null : message(res.body())));
            }
        });
    }

    /** The error message of a gateway's answer (Google's envelope), cut short; only the first of each is reported. */
    private static String message(String body) {
        int i = body.indexOf("\"message\"");
        if (i < 0) {
            return body.length() > 160 ? body.substring(0, 160) : body;
        }
        int start = body.indexOf('"', body.indexOf(':', i) + 1) + 1;
        int end = body.indexOf('"', start);
        String s = start > 0 && end > start ? body.substring(start, end) : body;
        return s.length() > 160 ? s.substring(0, 160) : s;
    }
}
