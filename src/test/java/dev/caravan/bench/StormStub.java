package dev.caravan.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A Google for the storm benchmark: {@link StormSettings#projects} projects of {@link StormSettings#keysPerProject}
 * keys each, whose keys share their project's quotas per model, as Google's do: requests per minute, input tokens per
 * minute and requests per day, on a compressed clock. A call over a limit gets Google's 429 {@code RESOURCE_EXHAUSTED}
 * with a {@code QuotaFailure} naming each quota exceeded ({@code quotaId}, {@code quotaMetric},
 * {@code quotaDimensions}, {@code quotaValue}) and a {@code RetryInfo} whose {@code retryDelay} is the time left in
 * the project's minute window. Like Google's, a per-day 429's retryDelay is that same short delay, which does not say
 * when the day's quota comes back.
 *
 * <p>Minute windows are fixed, one per project ({@link StormSettings#phaseMillis}), and the day is one window for
 * every project. The clock starts with {@link #start()}; before it, calls are answered 200 and not counted.
 *
 * <p>Besides answering, the stub keeps the figures only Google could see: calls sent to a key after the stub had
 * refused that key a quota whose window had not yet reset ("known cooling"), the same per project, and for each
 * refused window of a project the time its first call was served after the window reset. Thread-safe: each
 * (project, model) ledger is guarded by its own lock.
 */
public final class StormStub implements AutoCloseable {

    static final String REQUESTS_METRIC = "generativelanguage.googleapis.com/generate_content_free_tier_requests";
    static final String TOKENS_METRIC = "generativelanguage.googleapis.com/generate_content_free_tier_input_token_count";
    static final String PER_MINUTE = "GenerateRequestsPerMinutePerProjectPerModel-FreeTier";
    static final String TOKENS_PER_MINUTE = "GenerateContentInputTokensPerModelPerMinute-FreeTier";
    static final String PER_DAY = "GenerateRequestsPerDayPerProjectPerModel-FreeTier";

    /** An API key of the pool and the project it belongs to. */
    public record Key(String secret, int project) {
        public String projectName() {
            return projectName(project);
        }

        static String projectName(int project) {
            return String.format(Locale.ROOT, "storm-project-%02d", project);
        }
    }

    /** One call as the stub answered it; {@code atMillis} on the stub's clock. */
    public record Call(long atMillis, int key, int project, String model, int status, String dimensions) {
    }

    /** The quota state of one project for one model. */
    private static final class Ledger {
        long window = Long.MIN_VALUE;
        int inWindow;
        long tokensInWindow;
        long day = Long.MIN_VALUE;
        int inDay;
        /** Until when (stub clock, ms) the project has been refused something for this model. */
        long refusedUntil = Long.MIN_VALUE;
        final Set<Long> minuteRefused = new HashSet<>();
        final Map<Long, Long> firstServedInWindow = new HashMap<>();
        /** Per day, when its last request was served (the day's quota spent). */
        final Map<Long, Long> dayFullAt = new HashMap<>();
        final Set<Long> dayRefused = new HashSet<>();
        final Map<Long, Long> firstServedInDay = new HashMap<>();
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * A gateway picks a key, then sends: a call that reaches the stub within this time after a refusal of its key was
     * written may have been on its way before the gateway read the refusal, and is not held against it.
     */
    static final long KNOWN_AFTER_MILLIS = 10;
    /** {@link #KNOWN_AFTER_MILLIS}, or 0 for a test that calls one at a time. */
    volatile long knownAfterMillis = KNOWN_AFTER_MILLIS;

    private final StormSettings settings;
    private final List<Key> keys;
    private final Map<String, Integer> keyIndex = new HashMap<>();
    private final Map<String, Integer> modelIndex = new HashMap<>();
    private final Ledger[][] ledgers;
    /** Per key and model, until when the stub has refused that key a quota (stub clock, ms); under the ledger's lock. */
    private final long[][] keyRefusedUntil;
    /** Per key and model, when the stub finished writing its latest refusal (stub clock, ms); under the ledger's lock. */
    private final long[][] keyRefusalSentAt;
    private final HttpServer server;
    private final ExecutorService executor;
    private volatile long epochNanos = Long.MIN_VALUE;

    final AtomicLong calls = new AtomicLong();
    final AtomicLong served = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong refusedPerMinute = new AtomicLong();
    final AtomicLong refusedPerDay = new AtomicLong();
    final AtomicLong refusedTokens = new AtomicLong();
    final AtomicLong callsToCoolingKey = new AtomicLong();
    final AtomicLong callsToCoolingProject = new AtomicLong();
    /** Calls to a key refused less than {@link #knownAfterMillis} after the refusal was written, or before. */
    final AtomicLong callsRacingRefusal = new AtomicLong();
    /** For each call counted in {@link #callsToCoolingKey}: how long after its key's refusal was written it came. */
    final ConcurrentLinkedQueue<Long> coolingGaps = new ConcurrentLinkedQueue<>();
    /** For each call counted in {@link #callsToCoolingKey}: when it came (stub clock, ms). */
    final ConcurrentLinkedQueue<Long> coolingTimes = new ConcurrentLinkedQueue<>();
    /** Of the calls to a key known cooling, those whose refusal had named the per-day quota. */
    final AtomicLong callsToDayRefusedKey = new AtomicLong();
    final AtomicLong unknownKey = new AtomicLong();
    final AtomicLong otherCalls = new AtomicLong();
    final AtomicLong beforeStart = new AtomicLong();
    private final ConcurrentLinkedQueue<Call> log = new ConcurrentLinkedQueue<>();

    private StormStub(StormSettings settings, int port) throws IOException {
        this.settings = settings;
        this.keys = keysOf(settings);
        for (int i = 0; i < keys.size(); i++) {
            keyIndex.put(keys.get(i).secret(), i);
        }
        for (int m = 0; m < settings.models().size(); m++) {
            modelIndex.put(settings.models().get(m).name(), m);
        }
        ledgers = new Ledger[settings.projects()][settings.models().size()];
        for (Ledger[] row : ledgers) {
            for (int m = 0; m < row.length; m++) {
                row[m] = new Ledger();
            }
        }
        keyRefusedUntil = new long[keys.size()][settings.models().size()];
        keyRefusalSentAt = new long[keys.size()][settings.models().size()];
        for (int i = 0; i < keys.size(); i++) {
            java.util.Arrays.fill(keyRefusedUntil[i], Long.MIN_VALUE);
            java.util.Arrays.fill(keyRefusalSentAt[i], Long.MIN_VALUE);
        }
        // the JDK server writes an answer's head and body apart: without TCP_NODELAY the body waits ~40 ms for an ACK
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "storm-stub");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts the stub on {@code port} (0: a free one). */
    public static StormStub start(StormSettings settings, int port) throws IOException {
        return new StormStub(settings, port);
    }

    /**
     * The pool's keys in API_KEYS order: grouped by project, or interleaved across projects. They are 39 characters
     * long like Google's, but never shaped like one (no {@code AIza} prefix: no scanner may take a fixture for a real
     * key), and end in their project and number, so an operator can read the admin page.
     */
    public static List<Key> keysOf(StormSettings s) {
        List<Key> out = new ArrayList<>();
        for (int i = 0; i < s.keys(); i++) {
            int project = s.grouped() ? i / s.keysPerProject() : i % s.projects();
            int n = s.grouped() ? i % s.keysPerProject() : i / s.projects();
            String tail = String.format(Locale.ROOT, "p%02dk%d", project, n);
            out.add(new Key("storm-bench-key-" + "0".repeat(39 - 16 - tail.length()) + tail, project));
        }
        return out;
    }

    /** API_KEYS as the gateway reads it: a JSON array, with {@code @project} on each entry when declared. */
    public static String apiKeys(StormSettings s) {
        ArrayNode a = JSON.createArrayNode();
        for (Key k : keysOf(s)) {
            a.add(s.declareProjects() ? k.secret() + "@" + k.projectName() : k.secret());
        }
        return a.toString();
    }

    public List<Key> keys() {
        return keys;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1beta";
    }

    /** Starts the clock: minute 0 and day 0 begin now, and calls count from here on. */
    public void start() {
        epochNanos = System.nanoTime();
    }

    public long epochNanos() {
        return epochNanos;
    }

    /** Milliseconds on the stub's clock. */
    long now() {
        return (System.nanoTime() - epochNanos) / 1_000_000;
    }

    long window(int p, long t) {
        return settings.window(p, t);
    }

    long windowStart(int p, long window) {
        return settings.windowStart(p, window);
    }

    long day(long t) {
        return settings.day(t);
    }

    long dayEnd(long day) {
        return settings.dayEnd(day);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex; InputStream in = ex.getRequestBody()) {
            byte[] body = in.readAllBytes();
            String path = ex.getRequestURI().getPath();
            if ("GET".equals(ex.getRequestMethod()) && path.equals("/v1beta/models")) {
                otherCalls.incrementAndGet();
                ObjectNode list = JSON.createObjectNode();
                ArrayNode models = list.putArray("models");
                for (StormSettings.Model m : settings.models()) {
                    models.addObject().put("name", "models/" + m.name()).put("displayName", m.name());
                }
                send(ex, 200, list.toString());
                return;
            }
            String prefix = "/v1beta/models/";
            int colon = path.lastIndexOf(':');
            if (!path.startsWith(prefix) || colon < prefix.length() || !path.endsWith(":generateContent")) {
                otherCalls.incrementAndGet();
                send(ex, 404, error(404, "NOT_FOUND", "Method not found."));
                return;
            }
            String model = path.substring(prefix.length(), colon);
            Integer m = modelIndex.get(model);
            if (m == null) {
                otherCalls.incrementAndGet();
                send(ex, 404, error(404, "NOT_FOUND", "models/" + model + " is not found for API version v1beta, or is not "
                        + "supported for generateContent."));
                return;
            }
            String secret = ex.getRequestHeaders().getFirst("x-goog-api-key");
            Integer k = secret == null ? null : keyIndex.get(secret);
            if (k == null) {
                unknownKey.incrementAndGet();
                send(ex, 400, keyInvalid());
                return;
            }
            long tokens = (body.length + 3) / 4;
            if (epochNanos == Long.MIN_VALUE) {
                beforeStart.incrementAndGet();
                send(ex, 200, answer(model, tokens));
                return;
            }
            String refusal = account(k, m, tokens);
            send(ex, refusal == null ? 200 : 429, refusal == null ? answer(model, tokens) : refusal);
            if (refusal != null) {
                Ledger l = ledgers[keys.get(k).project()][m];
                synchronized (l) {
                    keyRefusalSentAt[k][m] = now();
                }
            }
        }
    }

    /** Counts the call against its project's quotas: null when served, else the 429's body. */
    private String account(int k, int m, long tokens) {
        Key key = keys.get(k);
        int p = key.project();
        StormSettings.Model model = settings.models().get(m);
        Ledger l = ledgers[p][m];
        synchronized (l) {
            long t = now();
            calls.incrementAndGet();
            if (t < keyRefusedUntil[k][m]) {
                long sent = keyRefusalSentAt[k][m];
                if (sent == Long.MIN_VALUE || t - sent < knownAfterMillis) {
                    // the refusal was still on its way to the gateway, or just arrived: the gateway could not know yet
                    callsRacingRefusal.incrementAndGet();
                } else {
                    callsToCoolingKey.incrementAndGet();
                    coolingGaps.add(t - sent);
                    coolingTimes.add(t);
                    if (keyRefusedUntil[k][m] == dayEnd(day(t))) {
                        callsToDayRefusedKey.incrementAndGet();
                    }
                }
            }
            if (t < l.refusedUntil) {
                callsToCoolingProject.incrementAndGet();
            }
            long w = window(p, t);
            if (w != l.window) {
                l.window = w;
                l.inWindow = 0;
                l.tokensInWindow = 0;
            }
            long d = day(t);
            if (d != l.day) {
                l.day = d;
                l.inDay = 0;
            }
            boolean overTokens = model.tpm() > 0 && l.tokensInWindow + tokens > model.tpm();
            boolean overMinute = l.inWindow >= model.rpm();
            boolean overDay = model.rpd() > 0 && l.inDay >= model.rpd();
            if (!overTokens && !overMinute && !overDay) {
                l.inWindow++;
                l.tokensInWindow += tokens;
                l.inDay++;
                if (model.rpd() > 0 && l.inDay == model.rpd()) {
                    l.dayFullAt.put(d, t);
                }
                l.firstServedInWindow.putIfAbsent(w, t);
                l.firstServedInDay.putIfAbsent(d, t);
                served.incrementAndGet();
                log.add(new Call(t, k, p, model.name(), 200, ""));
                return null;
            }
            long windowEnd = windowStart(p, w + 1);
            long until = Long.MIN_VALUE;
            StringBuilder dims = new StringBuilder();
            if (overTokens || overMinute) {
                until = windowEnd;
                l.minuteRefused.add(w);
            }
            if (overTokens) {
                refusedTokens.incrementAndGet();
                dims.append("tpm ");
            }
            if (overMinute) {
                refusedPerMinute.incrementAndGet();
                dims.append("rpm ");
            }
            if (overDay) {
                until = dayEnd(d);
                l.dayRefused.add(d);
                refusedPerDay.incrementAndGet();
                dims.append("rpd ");
            }
            keyRefusedUntil[k][m] = Math.max(keyRefusedUntil[k][m], until);
            // until this refusal is written, a call to the key races it (set again once it is sent)
            keyRefusalSentAt[k][m] = Long.MIN_VALUE;
            l.refusedUntil = Math.max(l.refusedUntil, until);
            refused.incrementAndGet();
            log.add(new Call(t, k, p, model.name(), 429, dims.toString().trim()));
            return quotaExceeded(model, overTokens, overMinute, overDay, windowEnd - t);
        }
    }

    /**
     * Google's 429: one violation per quota exceeded, tokens and requests per minute before requests per day as
     * Google lists them, a Help link, and a RetryInfo with the time left in the minute window (fractional seconds, as
     * the protobuf Duration allows).
     */
    static String quotaExceeded(StormSettings.Model m, boolean tokens, boolean minute, boolean day, long retryMillis) {
        String delay = String.format(Locale.ROOT, "%d.%03ds", retryMillis / 1000, retryMillis % 1000);
        StringBuilder message = new StringBuilder("You exceeded your current quota, please check your plan and billing "
                + "details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. "
                + "To monitor your current usage, head to: https://ai.dev/rate-limit. ");
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", 429);
        ObjectNode failure = JSON.createObjectNode().put("@type", "type.googleapis.com/google.rpc.QuotaFailure");
        ArrayNode violations = failure.putArray("violations");
        if (tokens) {
            violation(violations, TOKENS_METRIC, TOKENS_PER_MINUTE, m, m.tpm());
            message.append("\n* Quota exceeded for metric: ").append(TOKENS_METRIC).append(", limit: ").append(m.tpm())
                    .append(", model: ").append(m.name());
        }
        if (minute) {
            violation(violations, REQUESTS_METRIC, PER_MINUTE, m, m.rpm());
            message.append("\n* Quota exceeded for metric: ").append(REQUESTS_METRIC).append(", limit: ").append(m.rpm())
                    .append(", model: ").append(m.name());
        }
        if (day) {
            violation(violations, REQUESTS_METRIC, PER_DAY, m, m.rpd());
            message.append("\n* Quota exceeded for metric: ").append(REQUESTS_METRIC).append(", limit: ").append(m.rpd())
                    .append(", model: ").append(m.name());
        }
        message.append("\nPlease retry in ").append(delay).append('.');
        error.put("message", message.toString());
        error.put("status", "RESOURCE_EXHAUSTED");
        ArrayNode details = error.putArray("details");
        details.add(failure);
        ObjectNode help = details.addObject().put("@type", "type.googleapis.com/google.rpc.Help");
        help.putArray("links").addObject().put("description", "Learn more about Gemini API quotas")
                .put("url", "https://ai.google.dev/gemini-api/docs/rate-limits");
        details.addObject().put("@type", "type.googleapis.com/google.rpc.RetryInfo").put("retryDelay", delay);
        return root.toString();
    }

    private static void violation(ArrayNode violations, String metric, String quotaId, StormSettings.Model m, long value) {
        ObjectNode v = violations.addObject();
        v.put("quotaMetric", metric);
        v.put("quotaId", quotaId);
        v.putObject("quotaDimensions").put("location", "global").put("model", m.name());
        v.put("quotaValue", String.valueOf(value));
    }

    static String answer(String model, long promptTokens) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode candidate = root.putArray("candidates").addObject();
        candidate.putObject("content").put("role", "model").putArray("parts").addObject().put("text", "Calm after the storm.");
        candidate.put("finishReason", "STOP").put("index", 0);
        root.putObject("usageMetadata").put("promptTokenCount", promptTokens).put("candidatesTokenCount", 5)
                .put("totalTokenCount", promptTokens + 5);
        root.put("modelVersion", model).put("responseId", "storm");
        return root.toString();
    }

    static String keyInvalid() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", 400).put("message", "API key not valid. Please pass a valid API key.")
                .put("status", "INVALID_ARGUMENT");
        error.putArray("details").addObject().put("@type", "type.googleapis.com/google.rpc.ErrorInfo")
                .put("reason", "API_KEY_INVALID").put("domain", "googleapis.com")
                .putObject("metadata").put("service", "generativelanguage.googleapis.com");
        return root.toString();
    }

    static String error(int code, String status, String message) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("error").put("code", code).put("message", message).put("status", status);
        return root.toString();
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Every counted call, in no particular order. */
    public List<Call> calls() {
        return List.copyOf(log);
    }

    /**
     * The time from each reset of a refused quota to the first call the project served after it, in ms, or -1 when
     * nothing was served in the whole window after the reset (the keys did not come back in time). Only resets that
     * happened at least a tenth of a minute before {@code endMillis} (the end of the load) count, and a per-minute reset
     * only while the day still had budget.
     */
    public List<Long> minuteResetDelays(long endMillis) {
        List<Long> out = new ArrayList<>();
        for (int p = 0; p < settings.projects(); p++) {
            for (Ledger l : ledgers[p]) {
                synchronized (l) {
                    for (long w : l.minuteRefused) {
                        long start = windowStart(p, w + 1);
                        Long full = l.dayFullAt.get(day(start));
                        if (start + settings.minuteMillis() / 10 > endMillis || full != null && full <= start) {
                            continue;
                        }
                        Long first = l.firstServedInWindow.get(w + 1);
                        out.add(first == null ? -1 : first - start);
                    }
                }
            }
        }
        Collections.sort(out);
        return out;
    }

    /** As {@link #minuteResetDelays}, for per-day quotas: empty unless the compressed day reset during the load. */
    public List<Long> dayResetDelays(long endMillis) {
        List<Long> out = new ArrayList<>();
        if (settings.dayMillis() == 0) {
            return out;
        }
        for (Ledger[] row : ledgers) {
            for (Ledger l : row) {
                synchronized (l) {
                    for (long d : l.dayRefused) {
                        long start = dayEnd(d);
                        if (start + settings.minuteMillis() / 10 > endMillis) {
                            continue;
                        }
                        Long first = l.firstServedInDay.get(d + 1);
                        out.add(first == null ? -1 : first - start);
                    }
                }
            }
        }
        Collections.sort(out);
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
