package dev.caravan.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.caravan.Caravan;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyRoundRobin;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Boots the real Caravan main with the real application.properties and routes/*.camel.yaml (and an operators'
 * route folder of its own, empty unless {@link #customRoute} fills it), pointed at a
 * {@link StubGemini} on a free port, once per test class. Before each test the stub forgets its scripts and
 * recordings and every key is put back into rotation.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final Gateway gateway = Gateway.withKeys("key-a", "key-b").set("caravan.max-retries", "2");
 * </pre>
 */
public final class Gateway implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    /** The client token every gateway under test accepts. */
    public static final String TOKEN = "client-token-1";
    public static final String ADMIN_TOKEN = "admin-token-for-tests-1";

    private final List<String> keys;
    /** The environment Caravan reads instead of the process's, or null; then keys and tokens come from it too. */
    private Map<String, String> environment;
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private final Map<String, String> customRoutes = new LinkedHashMap<>();
    private final Map<String, java.util.function.Function<StubGemini, String>> fromStub = new LinkedHashMap<>();
    private String databaseFolder;
    private DatabasePreparation preparation;
    private boolean keepKeyState;
    private StubGemini stub;
    private int managementPort;
    private Caravan caravan;
    private Path dataFolder;
    private Properties properties;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Gateway(List<String> keys) {
        this.keys = keys;
    }

    public static Gateway withKeys(String... keys) {
        return new Gateway(List.of(keys));
    }

    /**
     * A gateway that reads {@code environment} as its environment variables (an operator's .env), keys, client tokens
     * and the admin token included; the test still points it at the stub, a free port and its own database.
     */
    public static Gateway withEnvironment(Map<String, String> environment) {
        Gateway g = new Gateway(List.of());
        g.environment = new LinkedHashMap<>(environment);
        return g;
    }

    /** A circuit breaker that opens after 2 failures in a window of 4 calls and stays open for the class (60 s). */
    public Gateway smallCircuitBreaker() {
        return set("camel.resilience4j.minimum-number-of-calls", "4")
                .set("camel.resilience4j.sliding-window-size", "4")
                .set("camel.resilience4j.failure-rate-threshold", "50")
                .set("camel.resilience4j.wait-duration-in-open-state", "60");
    }

    /**
     * Puts the SQLite file in {@code folder} (relative to the class's own temporary folder, created by the gateway),
     * instead of directly in the temporary folder.
     */
    public Gateway databaseFolder(String folder) {
        this.databaseFolder = folder;
        return this;
    }

    /** Work on the SQLite file before the gateway first starts on it. */
    @FunctionalInterface
    public interface DatabasePreparation {
        void prepare(Path databaseFile) throws Exception;
    }

    /**
     * Prepares the SQLite file before the gateway first starts, e.g. a database as an older version of Caravan left
     * it (the folder exists by then; the file does not).
     */
    public Gateway beforeStart(DatabasePreparation preparation) {
        this.preparation = preparation;
        return this;
    }

    /** Leaves the keys as the gateway restored them before each test, instead of putting every key back into rotation. */
    public Gateway keepingKeyState() {
        this.keepKeyState = true;
        return this;
    }

    /** Sets a property from the stub once it runs, e.g. an address on the stub's port. */
    public Gateway setFromStub(String property, java.util.function.Function<StubGemini, String> value) {
        fromStub.put(property, value);
        return this;
    }

    /** Sets a property over application.properties, e.g. {@code caravan.max-retries}. */
    public Gateway set(String property, String value) {
        overrides.put(property, value);
        return this;
    }

    /**
     * Puts a file in the operators' own route folder before the gateway starts. Each class gets its own folder
     * (so a developer's {@code custom-routes/} never leaks into a test); without this call it does not exist.
     */
    public Gateway customRoute(String fileName, String yaml) {
        customRoutes.put(fileName, yaml);
        return this;
    }

    /** Copies a route file (e.g. one of {@code examples/}) into the operators' folder under its own name. */
    public Gateway customRoute(Path file) {
        try {
            return customRoute(file.getFileName().toString(), Files.readString(file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        stub = new StubGemini();
        // each test class gets its own SQLite file, so no key state or log row leaks from one class to another
        dataFolder = Files.createTempDirectory("caravan-test-");
        Properties p = new Properties();
        p.setProperty("caravan.port", String.valueOf(freePort()));
        p.setProperty("caravan.base-url", stub.baseUrl());
        if (environment == null) {
            p.setProperty("caravan.api-keys", String.join(",", keys));
            p.setProperty("caravan.allowed-tokens", "[\"" + TOKEN + "\"]");
            p.setProperty("caravan.auth-token", ADMIN_TOKEN);
        }
        p.setProperty("caravan.worker-pool-size", "64");
        managementPort = freePort();
        p.setProperty("camel.management.port", String.valueOf(managementPort));
        Path databaseIn = databaseFolder == null ? dataFolder : dataFolder.resolve(databaseFolder);
        p.setProperty("caravan.sqlite-database", databaseIn.resolve("caravan.db").toString());
        Path customRoutesFolder = dataFolder.resolve("custom-routes");
        p.setProperty("caravan.custom-routes-dir", customRoutesFolder.toString());
        if (!customRoutes.isEmpty()) {
            Files.createDirectories(customRoutesFolder);
            for (Map.Entry<String, String> file : customRoutes.entrySet()) {
                Files.writeString(customRoutesFolder.resolve(file.getKey()), file.getValue());
            }
        }
        p.putAll(overrides);
        fromStub.forEach((name, value) -> p.setProperty(name, value.apply(stub)));
        properties = p;
        if (preparation != null) {
            Path db = Path.of(p.getProperty("caravan.sqlite-database"));
            Files.createDirectories(db.getParent());
            preparation.prepare(db);
        }
        caravan = startOnAFreePort(p);
    }

    /**
     * Starts Caravan; a port picked free here can be taken before Caravan binds it (by another test's outgoing
     * connection, whose local port comes from the same range), and then another is picked. A port the test chose
     * itself is never replaced.
     */
    private Caravan startOnAFreePort(Properties p) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return new Caravan(p, environment).start();
            } catch (IllegalStateException e) {
                if (attempt == 3 || overrides.containsKey("caravan.port")
                        || !Caravan.PORT_NOT_BOUND.equals(e.getMessage())) {
                    throw e;
                }
                p.setProperty("caravan.port", String.valueOf(freePort()));
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (caravan != null) {
            caravan.stop();
        }
        if (stub != null) {
            stub.close();
        }
        if (dataFolder != null) {
            try (var files = Files.walk(dataFolder)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** Stops the gateway as an operator would (a normal shutdown that drains what is queued). */
    public void stop() throws Exception {
        if (caravan != null) {
            caravan.stop();
            caravan = null;
        }
    }

    /** Starts the gateway again on the same database and settings (on a new port), as after a restart. */
    public void restart() throws Exception {
        restartOn(freePort());
    }

    /** Starts the gateway again on the same database and settings, on {@code port} (a test may dial it meanwhile). */
    public void restartOn(int port) throws Exception {
        stop();
        Properties p = new Properties();
        p.putAll(properties);
        p.setProperty("caravan.port", String.valueOf(port));
        properties = p;
        caravan = new Caravan(p, environment).start();
    }

    /** The operators' own route folder this gateway loads (caravan.custom-routes-dir). */
    public Path customRoutesFolder() {
        return Path.of(properties.getProperty("caravan.custom-routes-dir"));
    }

    /** The SQLite file this gateway uses (unless a test chose MySQL). */
    public Path databaseFile() {
        return Path.of(properties.getProperty("caravan.sqlite-database"));
    }

    /** A fresh JDBC connection to the gateway's SQLite file, for a test to read what was written. */
    public java.sql.Connection openDatabase() throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection("jdbc:sqlite:" + databaseFile());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        stub.reset();
        if (caravan == null || keepKeyState) {
            // a previous test stopped it (this one starts it again itself), or the test reads the restored state
            return;
        }
        KeyRoundRobin pool = pool();
        for (ApiKey k : pool.keys()) {
            pool.reset(k);
        }
        // what coinciding 429s of one test taught is not the next test's world
        pool.forgetLearnedProjects();
        KeyRoundRobin vertex = vertexPool();
        for (ApiKey k : vertex.keys()) {
            vertex.reset(k);
        }
    }

    public StubGemini stub() {
        return stub;
    }

    public Caravan caravan() {
        return caravan;
    }

    /** What the test runs the gateway with (after the extension's defaults and the test's overrides). */
    public Properties properties() {
        return properties;
    }

    public KeyRoundRobin pool() {
        return caravan.configuration().pool();
    }

    /** The Vertex AI Express pool (VERTEX_API_KEYS). */
    public KeyRoundRobin vertexPool() {
        return caravan.configuration().vertexPool();
    }

    /** The fingerprint this gateway gives {@code secret} (keyed by its installation's secret), as its rows show it. */
    public String fingerprint(String secret) {
        return caravan.configuration().fingerprints().of(secret);
    }

    public ApiKey key(String secret) {
        return pool().keys().stream().filter(k -> k.secret().equals(secret)).findFirst().orElseThrow();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + caravan.port() + path;
    }

    /** The management server's URL for {@code path}, e.g. {@code /observe/metrics}. */
    public String managementUrl(String path) {
        return "http://127.0.0.1:" + managementPort + path;
    }

    public HttpClient http() {
        return http;
    }

    /** POSTs JSON with the client token in x-goog-api-key. */
    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url(path)))
                .header("x-goog-api-key", TOKEN)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** POSTs JSON with the client token without waiting for the answer: a request that may wait for a key. */
    public java.util.concurrent.CompletableFuture<HttpResponse<String>> postAsync(String path, String json) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(url(path)))
                .header("x-goog-api-key", TOKEN)
                .header("content-type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Requests waiting for a cooling key to come back now (the keyComeback step's gauge). */
    public int waitingForKeys() {
        return ((dev.caravan.upstream.KeyComeback) caravan().context().getRegistry().lookupByName("keyComeback")).waiting();
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("x-goog-api-key", TOKEN).GET());
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A minimal generateContent body. */
    public static String prompt(String text) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + text + "\"}]}]}";
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
