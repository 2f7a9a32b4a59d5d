package dev.caravan;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.caravan.admin.AdminAccess;
import dev.caravan.admin.AdminCredential;
import dev.caravan.admin.AdminDashboard;
import dev.caravan.admin.AdminErrors;
import dev.caravan.admin.AdminFiles;
import dev.caravan.admin.AdminMethods;
import dev.caravan.admin.AdminKeyCheck;
import dev.caravan.admin.AdminKeys;
import dev.caravan.admin.AdminLogs;
import dev.caravan.admin.AdminSessions;
import dev.caravan.admin.AdminSettings;
import dev.caravan.admin.KeyExtractor;
import dev.caravan.config.InvalidSettingException;
import dev.caravan.config.RuntimeSettings;
import dev.caravan.keys.RecheckSchedule;
import dev.caravan.storage.ApiKeyStore;
import dev.caravan.config.Settings;
import dev.caravan.dialect.DialectErrors;
import dev.caravan.dialect.ErrorDialect;
import dev.caravan.dialect.GeminiModelFeatures;
import dev.caravan.dialect.GeminiModelList;
import dev.caravan.dialect.openai.CamelImageFetcher;
import dev.caravan.dialect.openai.ChatFeatures;
import dev.caravan.ops.MainPortHealth;
import dev.caravan.upstream.CustomHeaders;
import dev.caravan.dialect.openai.GeminiToOpenAi;
import dev.caravan.dialect.openai.ImageDownload;
import dev.caravan.dialect.openai.ImageFetcher;
import dev.caravan.dialect.openai.ImageUrlGuard;
import dev.caravan.dialect.openai.ModelAliases;
import dev.caravan.dialect.openai.OpenAiChatReply;
import dev.caravan.dialect.openai.OpenAiChatRequest;
import dev.caravan.dialect.openai.OpenAiEmbeddings;
import dev.caravan.dialect.openai.OpenAiEmbeddingsStep;
import dev.caravan.dialect.openai.OpenAiErrorDialect;
import dev.caravan.dialect.openai.OpenAiImages;
import dev.caravan.dialect.openai.OpenAiImagesStep;
import dev.caravan.dialect.openai.OpenAiModelList;
import dev.caravan.dialect.openai.OpenAiModels;
import dev.caravan.dialect.openai.OpenAiPassThrough;
import dev.caravan.dialect.openai.PassThroughPaths;
import dev.caravan.imagefetch.ImageFetchClient;
import dev.caravan.dialect.openai.OpenAiToGemini;
import dev.caravan.dialect.openai.ThoughtSignatures;
import dev.caravan.dialect.GeminiRequest;
import dev.caravan.http.ElasticWorkerPool;
import dev.caravan.http.BodyLimits;
import dev.caravan.http.CaravanHttpServer;
import dev.caravan.http.DrainAtShutdown;
import dev.caravan.http.EdgeAnswers;
import dev.caravan.http.HttpEdge;
import dev.caravan.ops.LogLevels;
import dev.caravan.http.CaravanHeaders;
import dev.caravan.http.RequestArrival;
import dev.caravan.dialect.GeminiStreamShaper;
import dev.caravan.dialect.GeneratedImages;
import dev.caravan.dialect.openai.OpenAiChatStream;
import dev.caravan.dialect.openai.OpenAiErrorReply;
import dev.caravan.upstream.AttemptChecks;
import dev.caravan.upstream.UpstreamRequest;
import dev.caravan.upstream.KeyRecheck;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.KeyStateListener;
import dev.caravan.models.KnownModels;
import dev.caravan.ops.CaravanMetrics;
import dev.caravan.admin.ManagementAdminGuard;
import dev.caravan.ops.RestrictedJolokia;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.component.micrometer.MicrometerConstants;
import dev.caravan.keys.KeyFingerprint;
import dev.caravan.storage.Database;
import dev.caravan.storage.FingerprintMigration;
import dev.caravan.storage.GeminiBalanceImport;
import dev.caravan.storage.GeminiBalanceSettings;
import dev.caravan.storage.Installation;
import dev.caravan.storage.KeyStateStore;
import dev.caravan.storage.LogRetention;
import dev.caravan.storage.RetentionSchedule;
import dev.caravan.storage.RequestLog;
import dev.caravan.storage.RequestLogBatches;
import dev.caravan.storage.RequestLogQueue;
import dev.caravan.http.RequestLogStamp;
import dev.caravan.storage.SecretRedactor;
import dev.caravan.storage.SettingsStore;
import dev.caravan.storage.UnauthenticatedLog;
import dev.caravan.security.AdminToken;
import dev.caravan.security.GuessThrottle;
import dev.caravan.security.TokenVerifier;
import dev.caravan.upstream.BreakerFallback;
import dev.caravan.upstream.FailoverDecision;
import dev.caravan.upstream.GeminiCall;
import dev.caravan.upstream.UpstreamErrorClassifier;
import dev.caravan.upstream.UpstreamProxies;
import dev.caravan.upstream.UpstreamReply;
import dev.caravan.upstream.UpstreamPool;
import dev.caravan.upstream.UpstreamPools;
import dev.caravan.dialect.VertexExpressActions;
import dev.caravan.dialect.openai.OpenAiSpeech;
import dev.caravan.dialect.openai.OpenAiSpeechStep;
import dev.caravan.dialect.FakeStream;
import dev.caravan.upstream.InStreamError;
import dev.caravan.upstream.StreamHeartbeats;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.impl.VertxBuilder;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import dev.caravan.ops.CaravanHealthCheck;
import dev.caravan.ops.ObserveInfo;
import io.vertx.ext.web.handler.BodyHandler;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.TempDirHelper;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.plugin.JolokiaPlatformHttpPlugin;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires Caravan's beans into the Camel registry, where the YAML routes find them by name. The one place that
 * knows how the parts fit; every bean itself only knows its own job.
 */
public final class CaravanConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(CaravanConfiguration.class);

    /**
     * Properties that a row of the settings table cannot override: the database's own (needed to read the table),
     * those the HTTP server is built with once, and those Camel applies before the table can be read (the
     * operators' route folder).
     */
    static final Set<String> START_ONLY = Set.of("caravan.port", "caravan.max-body-bytes",
            // the HTTP server is built with these once, before it serves anything
            "caravan.http-header-timeout-seconds", "caravan.http-read-timeout-seconds", "caravan.http-idle-timeout-seconds",
            "caravan.shutdown-timeout-seconds", "caravan.database-type",
            "caravan.sqlite-database", "caravan.mysql-host", "caravan.mysql-port", "caravan.mysql-user",
            "caravan.mysql-password", "caravan.mysql-database", "caravan.custom-routes-dir",
            // what the management server exposes is settled before the table is read, and a row must not open it
            "caravan.jolokia-enabled", "caravan.jolokia-allow-operations");

    /** The settings, once {@link #configure} read them; the main class reports from them. */
    private Settings settings;
    private KeyRoundRobin pool;
    /** VERTEX_API_KEYS: the Vertex AI Express pool, beside the Gemini pool (its keys are named apart). */
    private KeyRoundRobin vertexPool;
    private CaravanMetrics metrics;
    private HikariDataSource dataSource;
    private SettingsStore settingsStore;
    private KeyStateStore keyStateStore;
    private RequestLog requestLog;
    /** The request log's last rows at a stop: bound with the log (bindStorage), used by the HTTP server's drain. */
    private dev.caravan.storage.RequestLogFlush requestLogFlush;
    private RuntimeSettings runtime;
    private CaravanHttpServer httpServer;
    private EdgeAnswers edgeAnswers;
    private ApiKeyStore apiKeyStore;
    private KeyFingerprint fingerprints;
    private FingerprintMigration fingerprintMigration;
    /** The resolved properties without the settings table, and with it (what is in force). */
    private Properties environmentProperties;
    private Properties effectiveProperties;
    /** The one-off import of a gemini-balance database (README "Moving from gemini-balance"). */
    private GeminiBalanceImport carryover;
    private HttpClient proxyCheckClient;
    // --- Replicas (README "Scale out"): the store they share, and each pool's shared key state ---
    private CamelContext camelContext;
    private Vertx vertx;
    private dev.caravan.cluster.SharedStore sharedStore;
    private final Map<String, dev.caravan.cluster.SharedKeyState> sharedKeyStates = new java.util.concurrent.ConcurrentHashMap<>();

    private volatile RuntimeException failure;
    /** The model lists in force; replaced when an operator saves new ones. */
    private final java.util.concurrent.atomic.AtomicReference<ModelAliases> aliases =
            new java.util.concurrent.atomic.AtomicReference<>(ModelAliases.none());
    private static final Path ADMIN_TOKEN_FILE = Path.of("data", "auth_token");
    /** The models that metric labels and each key's use may name (the rest are "other"). */
    private final KnownModels knownModels = new KnownModels();
    /** The calls to Google under way: a stop ends those that outlast SHUTDOWN_TIMEOUT_SECONDS with an answer. */
    private final dev.caravan.upstream.OpenCalls openCalls = new dev.caravan.upstream.OpenCalls();

    @Override
    public void configure(CamelContext context) {
        LongSupplier clock = System::currentTimeMillis;
        camelContext = context;
        try {
            Properties props = caravanProperties(context);
            Settings fromEnvironment = Settings.from(props);
            dataSource = Database.open(fromEnvironment);
            settingsStore = new SettingsStore(dataSource, clock);
            environmentProperties = props;
            carryOver(context, props, fromEnvironment, clock);
            Map<String, String> saved = settingsStore.all();
            effectiveProperties = withSavedRows(props, saved);
            settings = withSavedSettings(context, props, fromEnvironment, effectiveProperties, saved.keySet());
            HttpEdge.requirePortFree(settings.port());
            requireManagementServerFor(context, settings);
        } catch (RuntimeException e) {
            failure = e;
            if (dataSource != null) {
                dataSource.close();
            }
            throw e;
        }
        ObjectMapper json = new ObjectMapper();
        // trees with maps and lists sized for small objects (the OpenAI surface's translations)
        json.setNodeFactory(dev.caravan.http.CompactJsonNodes.INSTANCE);
        Registry registry = context.getRegistry();

        // one Vert.x for the HTTP server and the upstream client. Its worker pool serves the routes that stay on workers
        // (admin, files, images, speech); the data-plane routes run on the event loop (DESIGN §6). Epoll
        // (netty-transport-native-epoll) saves about a sixth of the CPU per request (bench/profile.sh); where its
        // native file cannot load (another OS or CPU, musl), Vert.x runs on the JDK's selector and the log says why
        Vertx vertx = new VertxBuilder(new VertxOptions().setWorkerPoolSize(settings.workerPoolSize())
                .setPreferNativeTransport(true))
                .executorServiceFactory(new ElasticWorkerPool()).init().vertx();
        registry.bind("vertx", vertx);
        this.vertx = vertx;
        if (vertx.isNativeTransportEnabled()) {
            LOG.info("Network transport: native (epoll)");
        } else {
            LOG.info("Network transport: the JDK's NIO, the native one is unavailable: {}",
                    String.valueOf(vertx.unavailableNativeTransportCause()));
        }
        // the threads that run the few blocking steps of event-loop routes (routes: threads, executorService
        // blockingSteps): grown only when every one is busy, bounded like Vert.x's own worker pool
        java.util.concurrent.ExecutorService blockingSteps = new ElasticWorkerPool().createExecutor(
                new org.apache.camel.util.concurrent.CamelThreadFactory("#counter# - #name#", "caravan-blocking-step", true),
                settings.workerPoolSize(), settings.workerPoolSize());
        registry.bind("blockingSteps", blockingSteps);
        // the store replicas share (REDIS_URL); disabled, and never touched, in single-process mode
        sharedStore = dev.caravan.cluster.SharedStore.connect(vertx, settings.redisUrl(), settings.redisPrefix());
        registry.bind("sharedStore", sharedStore);
        // the master: endpoints of the routes' timers: one replica runs each job, holding a lease in the shared store
        // (every job runs here when there is none)
        dev.caravan.cluster.LeaseClusterService leases = new dev.caravan.cluster.LeaseClusterService(vertx, sharedStore,
                settings.clusterLeaseSeconds());
        // Camel does not own a Vert.x it found in the registry: close it when the context shuts down
        try {
            context.addService(new org.apache.camel.support.service.ServiceSupport() {
                @Override
                protected void doShutdown() {
                    sharedStore.close();
                    blockingSteps.shutdownNow();
                    vertx.close();
                }
            }, true, false);
            context.addService(leases, true, false);
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the Vert.x shutdown", e);
        }
        HttpClient http = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setForceSni(true)
                        .setConnectTimeout((int) Math.min(10_000L, settings.timeoutSeconds() * 1000L)),
                new PoolOptions().setHttp1MaxSize(settings.upstreamPoolSize()));

        runtime = new RuntimeSettings(settings);
        // the admin page's proxy check: its own small client, so a slow proxy never holds a data-plane connection
        proxyCheckClient = vertx.createHttpClient(new HttpClientOptions().setForceSni(true)
                .setConnectTimeout(dev.caravan.admin.AdminProxyCheck.TIMEOUT_SECONDS_MS), new PoolOptions().setHttp1MaxSize(16));
        // LOG_LEVEL, now and whenever an operator saves another
        // keys and tokens are named by an HMAC under the installation's own secret, kept in the database; rows saved
        // under the older unkeyed fingerprints are re-keyed before the pool reads them
        Installation installation = new Installation(dataSource, clock);
        fingerprints = installation.fingerprints();
        fingerprintMigration = new FingerprintMigration(dataSource, fingerprints, installation);
        fingerprintMigration.rekeySavedKeys(settings.apiKeys().stream().map(dev.caravan.keys.KeyEntry::secretOf).toList());
        // API_KEYS, plus the keys operators added on the admin page, less those they deleted
        apiKeyStore = new ApiKeyStore(dataSource, clock, fingerprints);
        pool = new KeyRoundRobin(apiKeyStore.merge(settings.apiKeys()), settings.maxFailures(), clock, fingerprints);
        // model names come from clients: labels and each key's use name only models the gateway knows
        knownModels.configure(configuredModels(settings));
        pool.countUseAs(knownModels::label);
        vertexPool = new KeyRoundRobin(settings.vertexApiKeys(), settings.maxFailures(), clock,
                fingerprints.forPool(UpstreamPool.VERTEX));
        vertexPool.countUseAs(knownModels::label);
        // the Prometheus registry Camel's metrics use (bound by the main class before Camel looks for one)
        MeterRegistry meters = registry.lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
        metrics = new CaravanMetrics(meters != null ? meters : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), pool,
                knownModels);
        AdminCredential adminToken = new AdminCredential(AdminToken.resolve(settings.authToken(), ADMIN_TOKEN_FILE));
        UpstreamErrorClassifier classifier = new UpstreamErrorClassifier(json,
                settings.throttleCooldownSeconds() * 1000L, settings.unavailableModelHours() * 3_600_000L);
        // every token, the admin's too, is redacted wherever a text might echo it
        SecretRedactor redactor = new SecretRedactor(withAdmin(settings.allowedTokens(), adminToken));
        bindStorage(context, registry, json, clock, classifier, redactor);
        // only ALLOWED_TOKENS open the API: the admin token stays with the operator (README, "Configuration"); guessing
        // is throttled per address, apart from the admin token's throttle
        GuessThrottle clientThrottle = new GuessThrottle(settings.clientTokenMaxFailures(), GuessThrottle.WINDOW_MS, clock);
        TokenVerifier tokenVerifier = new TokenVerifier(settings.allowedTokens(), clientThrottle, fingerprints);
        // older log rows name these keys and tokens by unkeyed fingerprints: re-keyed off the start's path
        List<String> secrets = new ArrayList<>(withAdmin(settings.allowedTokens(), adminToken));
        pool.keys().forEach(k -> secrets.add(k.secret()));
        fingerprintMigration.rekeyLogsInBackground(secrets);

        registry.bind("keyRoundRobin", pool);
        registry.bind("tokenVerifier", tokenVerifier);
        // every API endpoint (routes/endpoints.camel.yaml)
        registry.bind("requestArrival", new RequestArrival(() -> runtime.current().errorLogRecordRequestBody()));
        registry.bind("caravanHeaders", new CaravanHeaders());
        // the Gemini surface (routes/gemini.camel.yaml)
        registry.bind("geminiRequest", new GeminiRequest(new JsonFactory()));
        registry.bind("geminiErrors", new DialectErrors(ErrorDialect.GEMINI));
        registry.bind("geminiStream", GeminiStreamShaper.TRANSLATION);
        // the one call to Google (routes/upstream.camel.yaml)
        // --- Images: PAID_KEY, a pool of its own for image generation and PAID_MODELS (the Gemini pool when unset);
        // it is never disabled by strikes (one key: a strike-out would stop every image until a restart), its state
        // is not saved, and its calls go with CaravanPool: paid or a paid model ---
        KeyRoundRobin paidPool = settings.paidKey().isEmpty() ? pool
                : new KeyRoundRobin(List.of(settings.paidKey()), Integer.MAX_VALUE, clock, fingerprints);
        if (paidPool != pool) {
            paidPool.countUseAs(knownModels::label);
        }
        registry.bind(dev.caravan.upstream.Upstream.PAID_POOL, paidPool);
        // CaravanPool names the pool of a call: the Gemini pool at BASE_URL unless a route says vertex or paid (or the
        // model is a paid one); paid calls go to the BASE_URL in force, as the Gemini pool's do
        UpstreamPools pools = new UpstreamPools(UpstreamPool.of(UpstreamPool.GEMINI, pool, settings.baseUrl()),
                UpstreamPool.of(UpstreamPool.VERTEX, vertexPool, settings.vertexExpressBaseUrl()),
                new UpstreamPool(dev.caravan.upstream.Upstream.PAID_POOL, paidPool, null));
        registry.bind("upstreamRequest", new UpstreamRequest(registry, RequestArrival::client, pools,
                // read at each call: CREATE_IMAGE_MODEL saved on the admin page moves the paid pool with it
                new dev.caravan.upstream.PaidModels(() -> runtime.current().paidModels(),
                        () -> runtime.current().createImageModel())));
        registry.bind("anotherAttempt", AttemptChecks.ANOTHER_ATTEMPT);
        registry.bind("keyChosen", AttemptChecks.KEY_CHOSEN);
        GeminiCall geminiCall = new GeminiCall(vertx, http, settings.baseUrl(), runtime::timeoutMillis, proxies())
                .withOpenCalls(openCalls);
        registry.bind("geminiCall", geminiCall);
        // BASE_URL and PROXIES saved on the admin page: the next call goes there
        runtime.onChange(s -> geminiCall.retarget(s.baseUrl(), UpstreamProxies.of(s.proxies())));
        registry.bind("breakerFallback", new BreakerFallback());
        registry.bind("failoverDecision", new FailoverDecision(classifier, pool, runtime::maxRetries, clock, metrics,
                knownModels).rejectedKeysUpTo(() -> runtime.current().maxRejectedKeys()));
        registry.bind("upstreamReply", new UpstreamReply(pool));
        // --- Quotas: a request waits for a cooling key that returns soon (issue 14, README "Quotas") ---
        dev.caravan.upstream.KeyComeback keyComeback = new dev.caravan.upstream.KeyComeback(vertx, pool,
                () -> runtime.current().quotaWaitSeconds());
        registry.bind("keyComeback", keyComeback);
        pool.learning().windowSeconds(() -> runtime.current().projectEvidenceSeconds());
        for (KeyRoundRobin p : List.of(pool, vertexPool)) {
            p.egress().configure(() -> runtime.current().egressThrottleProjects(),
                    () -> runtime.current().egressThrottleWindowSeconds(), () -> runtime.current().egressPauseMaxSeconds());
            p.learning().windowSeconds(() -> runtime.current().projectEvidenceSeconds());
            String name = p == pool ? UpstreamPool.GEMINI : UpstreamPool.VERTEX;
            metrics.gauge("caravan_pool_paused", "1 while the pool pauses because Google throttles the gateway's address",
                    () -> p.now() < p.egress().pausedUntil() ? 1 : 0, "pool", name);
            metrics.gauge("caravan_pool_pauses", "Pauses of the pool since start (Google throttling the gateway's address)",
                    () -> p.egress().trips(), "pool", name);
        }
        metrics.gauge("caravan_requests_waiting_for_key", "Requests waiting for a cooling key to come back",
                keyComeback::waiting);
        // --- Quotas: budgets per (project, model) pace the Gemini pool's picks (issue 14, README "Quotas", pacing) ---
        pool.budgets().configure(() -> runtime.current().quotaLimits());
        pool.budgets().minuteSeconds(settings.quotaMinuteSeconds());
        // pacing makes waits routine: they must never hold every worker, and resumes need threads of their own
        keyComeback.workerPool(settings.workerPoolSize());
        runtime.onChange(s -> pool.budgetsChanged());
        dev.caravan.ops.QuotaGauges quotaGauges = new dev.caravan.ops.QuotaGauges(pool, metrics);
        vertx.setPeriodic(dev.caravan.ops.QuotaGauges.REFRESH_MILLIS, t -> quotaGauges.refresh());
        registry.bind("adminQuota", new dev.caravan.admin.AdminQuota(pool));
        // --- Streams: heartbeats and fake streaming (routes/upstream.camel.yaml, the gemini and openai routes) ---
        InStreamError inStreamError = new InStreamError(json);
        registry.bind("streamHeartbeat", new StreamHeartbeats.Start(vertx, () -> runtime.current().streamHeartbeatSeconds()));
        registry.bind("streamHeartbeatReply", new StreamHeartbeats.Reply(inStreamError));
        registry.bind("fakeStream", new FakeStream(vertx, registry, RequestArrival::client,
                () -> runtime.current().fakeStreamEnabled(), () -> runtime.current().fakeStreamEmptyDataIntervalSeconds()));
        registry.bind("fakeStreamReply", new FakeStream.Reply(inStreamError));
        OpenAiModelList modelList = bindOpenAi(context, registry, json, clock);
        bindGeminiBalanceParity(registry, json);
        bindVertexAndSpeech(registry, json, clock, classifier);
        // the Files API (routes/files.camel.yaml)
        bindFiles(registry, json, clock);
        bindLeftovers(registry, clock);
        // --- Stream optimizer (STREAM_OPTIMIZER_*): the native SSE stream and the OpenAI chat stream re-cut their text
        // and pace it while the switch is on (read at each stream); off, each stream gets the translation's own shaper ---
        for (String name : List.of("geminiStream", "openAiChatStream")) {
            dev.caravan.upstream.StreamTranslation plain =
                    registry.lookupByNameAndType(name, dev.caravan.upstream.StreamTranslation.class);
            // the registry keeps a bean per name and type: the plain one goes, or a lookup could still find it
            registry.unbind(name);
            registry.bind(name, new dev.caravan.dialect.OptimizedStream(plain, json,
                    () -> runtime.current().streamOptimizer()));
        }

        // an operator's saved settings reach the beans that keep their own copy
        runtime.onChange(s -> {
            pool.setMaxFailures(s.maxFailures());
            vertexPool.setMaxFailures(s.maxFailures());
            if (!s.authToken().isEmpty()) {
                adminToken.update(s.authToken());
            } else {
                adminToken.update(AdminToken.resolve("", ADMIN_TOKEN_FILE));
            }
            tokenVerifier.update(s.allowedTokens());
            redactor.remember(withAdmin(s.allowedTokens(), adminToken));
            aliases.set(aliasesOf(s));
            knownModels.configure(configuredModels(s));
            modelList.forget();
        });
        // one throttle for every place that takes the admin token, so no door guesses faster than another
        GuessThrottle adminThrottle = GuessThrottle.admin(clock);
        if (sharedStore.enabled()) {
            // replicas count wrong tokens together (never waited for on a request)
            adminThrottle.share(new dev.caravan.cluster.SharedGuesses(sharedStore, "admin"));
            clientThrottle.share(new dev.caravan.cluster.SharedGuesses(sharedStore, "client"));
        }
        AdminAccess adminAccess = bindAdmin(context, registry, json, clock, classifier, adminToken, adminThrottle, redactor);
        guardManagement(context, registry, adminToken, adminThrottle);
        httpServer = createHttpServer(context, vertx, tokenVerifier, adminAccess);
        bindHttpEngines(context, registry);
        // the circuitBreaker EIP drives Resilience4j asynchronously: no thread waits while Google answers
        dev.caravan.upstream.AsyncCircuitBreaker.Factory.install(context);
        refusePooledExchanges(context);
    }

    /**
     * Camel's pooled mode (camel.main.exchange-factory = pooled) hands a finished request's exchange to the next one.
     * Under it a request's state outlived the request: one request_log row carried 5,749 attempts
     * (bench/results/2026-12-03T184859Z-alloc-s13-pooled.md). For one, Camel 4.18's copies for the wire tap restart
     * the clock of the exchange they copy instead of their own, so the reset that clears a reused copy skips it.
     * Refused at start rather than served wrongly. Camel's per-step tasks alone, pooled while every exchange stays
     * new, saved 2 KB per request but cost requests per second (bench/HISTORY.md).
     */
    private static void refusePooledExchanges(CamelContext context) {
        if (context.getCamelContextExtension().getExchangeFactory().isPooled()) {
            throw new InvalidSettingException("CAMEL_MAIN_EXCHANGE_FACTORY", "camel.main.exchange-factory", "pooled",
                    "Camel's pooled exchanges carry one request's state into another's; leave it unset (default)");
        }
    }

    /**
     * The two shapes an endpoint of the api-endpoint template chooses between (its parameter engine): a worker thread
     * per request (platform-http's own; routes with blocking steps, the default) or the route run from the event loop
     * with no thread held (the data-plane endpoints, whose routes never block).
     */
    private static void bindHttpEngines(CamelContext context, Registry registry) {
        org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine worker =
                new org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine();
        worker.setCamelContext(context);
        registry.bind("workerHttpEngine", worker);
        var eventLoop = new org.apache.camel.component.platform.http.vertx.EventLoopPlatformHttpConsumer.Engine();
        eventLoop.setCamelContext(context);
        registry.bind("eventLoopHttpEngine", eventLoop);
    }

    /**
     * The main port's server (camel.server.enabled = false: this one replaces Camel's), its router bound now for the
     * routes to find; it listens once {@link #serve} is called. At the first sign of a stop it drains, before any
     * route stops.
     */
    private CaravanHttpServer createHttpServer(CamelContext context, Vertx vertx, TokenVerifier tokens, AdminAccess admin) {
        edgeAnswers = new EdgeAnswers(context);
        BodyLimits bodies = new BodyLimits(limit -> bodyHandler(context, limit), settings.maxBodyBytes(),
                tokens::isAllowed, admin::authenticatedLater);
        CaravanHttpServer server = new CaravanHttpServer(context, vertx, new CaravanHttpServer.Options(settings.port(),
                java.time.Duration.ofSeconds(settings.httpHeaderTimeoutSeconds()),
                java.time.Duration.ofSeconds(settings.httpReadTimeoutSeconds()),
                java.time.Duration.ofSeconds(settings.httpIdleTimeoutSeconds())), edgeAnswers, bodies);
        try {
            context.addService(server, true, false);
            // the log's last rows get at most Camel's own first wait (a second), however long the timeout
            context.getManagementStrategy().addEventNotifier(new DrainAtShutdown(server,
                    java.time.Duration.ofSeconds(settings.shutdownTimeoutSeconds()), openCalls, requestLogFlush,
                    java.time.Duration.ofSeconds(Math.min(1, settings.shutdownTimeoutSeconds()))));
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the HTTP server", e);
        }
        return server;
    }

    /** A body handler as platform-http's own (uploads to a temporary folder, forms merged), with {@code limit}. */
    private static BodyHandler bodyHandler(CamelContext context, long limit) {
        return BodyHandler.create()
                .setBodyLimit(limit)
                .setUploadsDirectory(TempDirHelper.resolveTempDir(context, null, "${java.io.tmpdir}/camel/camel-tmp-#uuid#/"))
                .setDeleteUploadedFilesOnEnd(true)
                .setMergeFormAttributes(true)
                .setPreallocateBodyBuffer(true);
    }

    /**
     * Opens the main port once every route has started: the aliases and the edge's own answers go on the router
     * first, Caravan's /observe/info on the management port.
     *
     * @return the port bound
     * @throws IllegalStateException when the port cannot be bound
     */
    public int serve(CamelContext context) {
        // --- Routes: the call to Google and the request log must have been loaded (a start in the wrong folder) ---
        dev.caravan.routes.CoreRoutes.require(context, context.getPropertiesComponent()
                .resolveProperty("camel.main.routes-include-pattern").orElse(null));
        // --- Images: the host UPLOAD_PROVIDER names must have a route ---
        dev.caravan.imagehost.ImageHostBeans.requireRoute(context, settings);
        new HttpEdge(edgeAnswers, () -> runtime.current().urlNormalizationEnabled()).install(httpServer.router());
        ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
        if (management != null) {
            VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                    VertxPlatformHttpRouter.getRouterNameFromPort(management.getPort()));
            if (router != null) {
                router.route(management.getInfoPath()).method(io.vertx.core.http.HttpMethod.GET)
                        .handler(new ObserveInfo(context, new ObjectMapper()));
            }
        }
        return httpServer.open();
    }

    /**
     * Fails when Jolokia is asked for but Camel has no management server to mount it on (camel.management.enabled is
     * off, or Camel did not create the server before this configuration ran): Jolokia is then never served without
     * the guard that {@link #guardManagement} puts in front of it.
     */
    private static void requireManagementServerFor(CamelContext context, Settings settings) {
        if (settings.jolokiaEnabled() && context.hasService(ManagementHttpServer.class) == null) {
            throw new InvalidSettingException("JOLOKIA_ENABLED", "caravan.jolokia-enabled", "true",
                    "Jolokia is served by Camel's management server, which is off: set camel.management.enabled = true");
        }
    }

    /**
     * Jolokia and the developer console on the management server, when Camel mounts them: for the admin token only,
     * and Jolokia under a read-only policy unless operators allow operations. Decided by what the server will
     * really mount, so no way of switching them on goes around the guard.
     */
    private void guardManagement(CamelContext context, Registry registry, AdminCredential adminToken,
                                 GuessThrottle throttle) {
        ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
        if (management == null) {
            return;
        }
        ManagementAdminGuard guard = new ManagementAdminGuard(adminToken, throttle);
        AuthenticationConfig authentication = management.getConfiguration().getAuthenticationConfig();
        if (management.isJolokiaEnabled()) {
            RestrictedJolokia jolokia = new RestrictedJolokia(settings.jolokiaAllowOperations());
            registry.bind(JolokiaPlatformHttpPlugin.NAME, jolokia);
            try {
                // stopped with the context, so its MBeans go when Caravan stops
                context.addService(jolokia, true, false);
            } catch (Exception e) {
                throw new IllegalStateException("cannot register Jolokia", e);
            }
            guard.guard(authentication, management.getJolokiaPath());
        }
        if (management.isDevConsoleEnabled()) {
            guard.guard(authentication, "/q/dev");
        }
    }

    /** The admin page and its JSON API (routes/admin.camel.yaml); the access check, which the HTTP edge asks too. */
    private AdminAccess bindAdmin(CamelContext context, Registry registry, ObjectMapper json, LongSupplier clock,
                                  UpstreamErrorClassifier classifier, AdminCredential adminToken, GuessThrottle throttle,
                                  SecretRedactor redactor) {
        AdminSessions sessions = new AdminSessions(clock, () -> runtime.current().adminSessionExpireSeconds());
        if (sharedStore.enabled()) {
            // a browser logged in on one replica is logged in on all
            sessions.share(new dev.caravan.cluster.SharedAdminSessions(sharedStore, AdminSessions.MAX_SESSIONS));
        }
        registry.bind("adminErrors", new AdminErrors(json));
        registry.bind("adminFiles", new AdminFiles());
        registry.bind("adminMethods", new AdminMethods());
        AdminAccess access = new AdminAccess(sessions, throttle, adminToken, json, () -> runtime.current().timezone());
        registry.bind("adminAccess", access);
        registry.bind("adminDashboard", new AdminDashboard(dataSource, pool, vertexPool, requestLog, json, clock));
        registry.bind("adminKeys", new AdminKeys(pool, apiKeyStore, new KeyExtractor(), json, clock));
        registry.bind("adminKeyCheck", new AdminKeyCheck(pool, classifier, json, clock));
        AdminSettings adminSettings = new AdminSettings(runtime, settingsStore, environmentProperties,
                effectiveProperties, context.getPropertiesComponent(), sessions, json, fingerprints);
        registry.bind("adminSettings", adminSettings);
        if (sharedStore.enabled()) {
            // a save on one replica is in force on all: a notice through the store, the table re-read from the database
            dev.caravan.cluster.SettingsChanges changes = new dev.caravan.cluster.SettingsChanges(
                    registry.lookupByNameAndType("vertx", Vertx.class), sharedStore, adminSettings::reload);
            adminSettings.onSaved(changes::publish);
            try {
                context.addService(changes, true, false);
            } catch (Exception e) {
                throw new IllegalStateException("cannot register the settings channel", e);
            }
        }
        registry.bind("adminLogs", new AdminLogs(dataSource, redactor, json));
        registry.bind("adminCarryover", new dev.caravan.admin.AdminCarryover(carryover, json));
        registry.bind("adminErrorLogDeletion", new dev.caravan.admin.AdminErrorLogDeletion(dataSource, json, clock));
        registry.bind("adminProxyCheck", new dev.caravan.admin.AdminProxyCheck(proxyCheckClient, runtime::current, json));
        return access;
    }

    /**
     * Vertex AI Express (routes/vertex-express.camel.yaml): its pool's saved health, restored before it serves and
     * saved behind its changes in the same key_state table (its keys' fingerprints are its own); and
     * /v1/audio/speech (routes/speech.camel.yaml).
     */
    private void bindVertexAndSpeech(Registry registry, ObjectMapper json, LongSupplier clock,
                                     UpstreamErrorClassifier classifier) {
        int restored = keyStateStore.restore(vertexPool);
        if (restored > 0) {
            LOG.info("Restored the saved state of {} Vertex key(s): {} usable of {}", restored, vertexPool.usable(),
                    vertexPool.size());
        }
        vertexPool.listen(shared(vertexPool, UpstreamPool.VERTEX, keyStateStore, json, clock));
        metrics.poolGauges("caravan_vertex_keys", "Keys in the Vertex Express pool by state", vertexPool);
        registry.bind("vertexExpressActions", new VertexExpressActions());
        // the admin page's view of the Vertex pool (routes/admin-vertex.camel.yaml): its keys come from VERTEX_API_KEYS,
        // so it resets, disables and enables them, and adds or deletes none
        registry.bind("adminVertexKeys", new AdminKeys(vertexPool, apiKeyStore, new KeyExtractor(), json, clock,
                AdminKeys.HEALTH_ACTIONS));
        // --- Vertex keys out of rotation: re-checked on schedule (routes/maintenance.camel.yaml) and verified from the
        // admin page (routes/admin-vertex.camel.yaml) as the Gemini pool's are, with Vertex's own check call ---
        registry.bind("vertexKeyRecheck", new KeyRecheck(vertexPool, classifier, clock, " of the Vertex pool"));
        registry.bind("adminVertexKeyCheck", new AdminKeyCheck(vertexPool, classifier, json, clock));
        // the TTS settings in force at each call (an operator may save new ones)
        registry.bind("openAiSpeech", new OpenAiSpeechStep(json, new OpenAiSpeech(() -> {
            Settings s = runtime.current();
            return new OpenAiSpeech.Defaults(s.ttsModel(), s.ttsVoiceName(), s.ttsSpeed());
        })));
    }

    /**
     * The listener a pool tells its changes: the database's key state, behind which, when replicas share a Redis
     * (REDIS_URL), the key state they share (README "Scale out"). In single-process mode Redis is never touched.
     */
    private KeyStateListener shared(KeyRoundRobin p, String name, KeyStateStore database, ObjectMapper json,
                                    LongSupplier clock) {
        dev.caravan.cluster.SharedStore store = sharedStore;
        // a pool without keys (the Vertex pool, usually) has nothing to share: it opens no subscription
        if (!store.enabled() || (p != pool && p.size() == 0)) {
            return database;
        }
        dev.caravan.cluster.SharedKeyState shared = new dev.caravan.cluster.SharedKeyState(store, vertx, p, name, database,
                json, clock, apiKeyStore::addedKey, settings.redisPrefix());
        sharedKeyStates.put(name, shared);
        metrics.gauge("caravan_shared_key_state_connected", "1 while this replica is subscribed to the key state replicas "
                + "share (Redis), 0 while it serves from its own view", () -> shared.connected() ? 1 : 0, "pool", name);
        metrics.gauge("caravan_shared_key_state_staleness_p99_seconds", "How long the last changes of other replicas took "
                + "to be in force here, 99th percentile", () -> Math.max(0, shared.staleness().percentileMicros(99)) / 1e6,
                "pool", name);
        // the day's requests of every replica, for the per-day budgets
        dev.caravan.cluster.SharedDayCounts days = new dev.caravan.cluster.SharedDayCounts(store, vertx, p, name,
                settings.redisPrefix());
        try {
            // stops before the store closes (services stop in reverse order of their start)
            camelContext.addService(new org.apache.camel.support.service.ServiceSupport() {
                @Override
                protected void doStop() {
                    days.close();
                    shared.close();
                }
            }, true, false);
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the shared key state's shutdown", e);
        }
        return shared.start();
    }

    /** The key state shared with other replicas, by pool name ("gemini", "vertex"); empty in single-process mode. */
    public Map<String, dev.caravan.cluster.SharedKeyState> sharedKeyStates() {
        return Map.copyOf(sharedKeyStates);
    }

    /** The client tokens and the admin token: every secret a text could echo. */
    private static List<String> withAdmin(List<String> clientTokens, AdminCredential adminToken) {
        List<String> all = new ArrayList<>(clientTokens);
        all.add(adminToken.token());
        return all;
    }

    /** The models an operator named anywhere: they always get their own metric label. */
    private static List<String> configuredModels(Settings s) {
        List<String> names = new ArrayList<>(s.searchModels());
        names.addAll(s.imageModels());
        names.addAll(s.thinkingModels());
        names.addAll(s.thinkingBudgetMap().keySet());
        names.addAll(s.filteredModels());
        names.add(s.testModel());
        names.add(s.createImageModel());
        return names;
    }

    private static ModelAliases aliasesOf(Settings s) {
        return new ModelAliases(s.searchModels(), s.imageModels(), s.thinkingModels(), s.thinkingBudgetMap(),
                s.filteredModels(), s.createImageModel());
    }

    /**
     * The storage layer: key state restored before the pool serves and saved behind its changes, the request log's
     * beans, retention and the key re-check. The database closes last, after the routes have drained.
     */
    private void bindStorage(CamelContext context, Registry registry, ObjectMapper json, LongSupplier clock,
                             UpstreamErrorClassifier classifier, SecretRedactor redactor) {
        keyStateStore = new KeyStateStore(dataSource, json, clock);
        int restored = keyStateStore.restore(pool);
        if (restored > 0) {
            LOG.info("Restored the saved state of {} key(s): {} usable of {}", restored, pool.usable(), pool.size());
        }
        pool.listen(shared(pool, UpstreamPool.GEMINI, keyStateStore, json, clock));
        RequestLogQueue logQueue = new RequestLogQueue(settings.requestLogQueueSize());
        requestLog = new RequestLog(redactor, new UnauthenticatedLog(clock), logQueue).withMetrics(metrics);
        metrics.gauge("caravan_request_log_queued_rows", "Request-log rows waiting in memory for the database",
                logQueue::size);
        metrics.functionCounter("caravan_request_log_dropped_rows_total",
                "Request-log rows dropped: the queue was full, or the database refused them while Caravan stopped",
                logQueue, RequestLogQueue::droppedRows);

        registry.bind("dataSource", dataSource);
        registry.bind("requestLog", requestLog);
        // Camel's exchange ids are the log's request ids (camel-main set its default before this runs)
        context.setUuidGenerator(new dev.caravan.storage.RequestIds());
        registry.bind("requestLogHasRows", RequestLog.HAS_ROWS);
        registry.bind("requestLogStamp", new RequestLogStamp());
        registry.bind("requestLogRows", new dev.caravan.storage.PositionalRows());
        // the wire tap runs on the request's own thread: it only computes and queues (RequestLog, RequestLogQueue)
        registry.bind("requestLogTap", new org.apache.camel.util.concurrent.SynchronousExecutorService());
        registry.bind("requestLogQueue", logQueue);
        requestLogFlush = new dev.caravan.storage.RequestLogFlush(logQueue::size,
                () -> context.getInflightRepository().size());
        RequestLogBatches batches = new RequestLogBatches(logQueue);
        registry.bind("requestLogBatches", batches);
        registry.bind("requestLogWaitingBatches", batches.waitingBatches());
        registry.bind("logRetention", new LogRetention(runtime::current, clock));
        registry.bind("recheckSchedule", new RecheckSchedule(() -> runtime.current().checkIntervalHours(), clock));
        registry.bind("keyRecheck", new KeyRecheck(pool, classifier, clock));

        HikariDataSource ds = dataSource;
        KeyStateStore keys = keyStateStore;
        FingerprintMigration migration = fingerprintMigration;
        try {
            // services stop after the routes: the request log has drained by then; key state is saved, then closed
            context.addService(new org.apache.camel.support.service.ServiceSupport() {
                @Override
                protected void doStop() {
                    migration.close();
                    keys.close();
                    ds.close();
                }
            }, true, false);
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the database shutdown", e);
        }
    }

    /**
     * The settings with the rows of the settings table applied over the environment and application.properties
     * (README, "Where a setting comes from"). Placeholders in the routes see the same values. Each overridden name
     * is logged, never its value.
     */
    private static Settings withSavedSettings(CamelContext context, Properties props, Settings fromEnvironment,
                                              Properties merged, java.util.Collection<String> saved) {
        List<String> applied = new ArrayList<>();
        for (String name : saved) {
            if (name.startsWith("caravan.") && props.containsKey(name) && !START_ONLY.contains(name)) {
                applied.add(name);
            }
        }
        if (applied.isEmpty()) {
            return fromEnvironment;
        }
        Settings s;
        try {
            s = Settings.from(merged);
        } catch (InvalidSettingException e) {
            if (applied.contains(e.property())) {
                throw new InvalidSettingException(e.variable(), e.property() + ", saved in the settings table", null,
                        e.problem() + "; correct or delete that row");
            }
            throw e;
        }
        PropertiesComponent pc = context.getPropertiesComponent();
        for (String name : applied) {
            pc.addOverrideProperty(name, merged.getProperty(name));
        }
        LOG.info("The settings table overrides the environment and application.properties for: {}", String.join(", ", applied));
        return s;
    }

    /** The resolved properties with the rows of the settings table applied (those it may override). */
    private static Properties withSavedRows(Properties props, Map<String, String> saved) {
        Properties merged = new Properties();
        merged.putAll(props);
        for (Map.Entry<String, String> e : saved.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith("caravan.") || !props.containsKey(name)) {
                continue;
            }
            if (START_ONLY.contains(name)) {
                LOG.warn("Ignoring {} in the settings table: it is read only from the environment or application.properties", name);
                continue;
            }
            merged.setProperty(name, e.getValue());
        }
        return merged;
    }

    // --- gemini-balance parity: custom headers, tools, native model suffixes, /health (issue 12) ---

    /** The switches of the settings last asked about, made once per settings (every Gemini and chat request asks). */
    private volatile FeaturesOf chatFeaturesOf = new FeaturesOf(null, null);

    private record FeaturesOf(Settings settings, ChatFeatures features) {
    }

    /** The tool and answer switches in force (TOOLS_CODE_EXECUTION_ENABLED, URL_CONTEXT_*, SHOW_*). */
    private ChatFeatures chatFeatures() {
        Settings s = runtime.current();
        FeaturesOf last = chatFeaturesOf;
        if (last.settings() == s) {
            return last.features();
        }
        ChatFeatures f = new ChatFeatures(s.toolsCodeExecutionEnabled(), s.urlContextEnabled(), s.urlContextModels(),
                s.showThinkingProcess(), s.showSearchLink());
        chatFeaturesOf = new FeaturesOf(s, f);
        return f;
    }

    /** CUSTOM_HEADERS in the upstream route, the native surface's model suffixes and model list, GET /health. */
    private void bindGeminiBalanceParity(Registry registry, ObjectMapper json) {
        registry.bind("customHeaders", new CustomHeaders(() -> runtime.current().customHeaders()));
        registry.bind("geminiModelFeatures", new GeminiModelFeatures(json, aliases::get, this::chatFeatures));
        registry.bind("geminiModelList", new GeminiModelList(json, aliases::get));
        registry.bind("mainPortHealth", new MainPortHealth());
    }

    // --- issue 12 leftovers: URL_NORMALIZATION_ENABLED, TIMEZONE, LOG_LEVEL ---

    /**
     * LOG_LEVEL in force now and after every saved change; the retention's midnight in TIMEZONE. (URL normalisation
     * is asked for at the HTTP edge, in {@link #serve}.)
     */
    private void bindLeftovers(Registry registry, LongSupplier clock) {
        LogLevels.apply(settings.logLevel());
        runtime.onChange(s -> LogLevels.apply(s.logLevel()));
        registry.bind("retentionSchedule", new RetentionSchedule(() -> runtime.current().timezone(), clock));
    }

    /** The OpenAI-compatible surface: translation beans around the same upstream call and key pool. */
    private OpenAiModelList bindOpenAi(CamelContext context, Registry registry, ObjectMapper json, LongSupplier clock) {
        aliases.set(aliasesOf(settings));
        ThoughtSignatures signatures = new ThoughtSignatures();
        ImageFetcher images = new CamelImageFetcher(context.createProducerTemplate(), "direct:openai-fetch-image",
                settings.imageFetchMaxUrls());
        OpenAiToGemini toGemini = new OpenAiToGemini(json, aliases::get, this::chatFeatures, images, signatures);
        GeminiToOpenAi fromGemini = new GeminiToOpenAi(json, signatures, this::chatFeatures);
        OpenAiErrorDialect dialect = new OpenAiErrorDialect(json);

        registry.bind("openAiErrors", new DialectErrors(dialect));
        registry.bind("openAiErrorReply", new OpenAiErrorReply(dialect));
        // the chat requests whose image URLs are fetched (camel-http, blocking) on a worker thread off the event loop
        registry.bind("mentionsImageUrls", new dev.caravan.http.BodyMentions("image_url"));
        registry.bind("openAiChatRequest", new OpenAiChatRequest(json, toGemini, () -> runtime.current().safetySettings()));
        // --- Images: with UPLOAD_PROVIDER set, a streamed image is hosted before its chunk is written ---
        registry.bind("openAiChatStream", new OpenAiChatStream(json, fromGemini,
                dev.caravan.imagehost.ImageHostBeans.streamedImages(context, settings)));
        registry.bind("openAiPassThroughStream", OpenAiPassThrough.STREAM);
        registry.bind("generatedImages", new GeneratedImages(json));
        // --- Images: {n:K} and {ratio:W:H} on <CREATE_IMAGE_MODEL>-chat (routes/openai.camel.yaml) ---
        var imageChat = new dev.caravan.dialect.openai.ImageChatDirectives(json, () -> runtime.current().createImageModel());
        registry.bind("imageChatDirectives", imageChat);
        // its steps as processors and a predicate: every chat completion passes three of them, and a bean step with
        // a method costs a reflective invocation and its argument binding each time (about 3 KB per chat completion in all)
        registry.bind("imageChatApply", (org.apache.camel.Processor) imageChat::apply);
        registry.bind("imageChatCollect", (org.apache.camel.Processor) imageChat::collect);
        registry.bind("imageChatMore", (org.apache.camel.Predicate) imageChat::more);
        registry.bind("imageChatNextCall", (org.apache.camel.Processor) imageChat::nextCall);
        registry.bind("imageChatAnswer", (org.apache.camel.Processor) imageChat::answer);
        registry.bind("openAiChatReply", new OpenAiChatReply(json, fromGemini));
        OpenAiModelList modelList = new OpenAiModelList(json, new OpenAiModels(aliases::get, Clock.systemUTC()),
                settings.modelsCacheSeconds() * 1000L, clock, knownModels);
        registry.bind("openAiModelList", modelList);
        registry.bind("openAiEmbeddings", new OpenAiEmbeddingsStep(json, new OpenAiEmbeddings()));
        // --- Images: /v1/images/edits reads its multipart body itself, within MAX_BODY_SIZE (routes/image-edits) ---
        registry.bind("openAiImages", new OpenAiImagesStep(json, OpenAiImages.following(
                () -> runtime.current().createImageModel(), Clock.systemUTC()),
                new dev.caravan.http.MultipartBody(settings.maxBodyBytes()),
                new dev.caravan.dialect.openai.ImageEditForm(dev.caravan.dialect.openai.ImageEditForm.OPENAI_MAX_IMAGES)));
        registry.bind("openAiPassThrough", new OpenAiPassThrough(json,
                new PassThroughPaths(settings.openAiPassThroughExtraPaths())));
        bindImageFetch(context, registry);
        // --- Images: image hosts (routes/image-host.camel.yaml, routes/image-hosts/) ---
        dev.caravan.imagehost.ImageHostBeans.bind(context, registry, settings);
        return modelList;
    }

    /**
     * The Files API (routes/files.camel.yaml): uploads piped to Google, the records of which key and which client own
     * each file, and the pinning of requests that name a file to the key whose project holds it.
     */
    private void bindFiles(Registry registry, ObjectMapper json, LongSupplier clock) {
        dev.caravan.storage.FileRecords records = new dev.caravan.storage.FileRecords(dataSource, clock);
        dev.caravan.files.FileKeys files = new dev.caravan.files.FileKeys(records, pool,
                () -> runtime.current().filesUserIsolationEnabled());
        registry.bind("fileRecords", records);
        registry.bind("fileAffinity", new dev.caravan.files.FileAffinity(files, new JsonFactory()));
        // the requests whose file lookup (JDBC) goes to a worker thread off the event loop
        registry.bind("mentionsFiles", new dev.caravan.files.FileMentions(new JsonFactory()));
        registry.bind("fileUploadRequest", new dev.caravan.files.FileUploadRequest(files));
        registry.bind("fileUploadReply", new dev.caravan.files.FileUploadReply(files, json, clock));
        registry.bind("fileRequest", new dev.caravan.files.FileRequest(files, json));
        registry.bind("fileCleanup", new dev.caravan.files.FileCleanup(records, () -> runtime.current().filesCleanupEnabled()));
    }

    /**
     * The openai-fetch-image route's beans: the URL's form, then camel-http on an HttpClient that checks the address
     * it connects to and holds every fetch to one deadline and one byte cap, then the body as inline data.
     */
    private void bindImageFetch(CamelContext context, Registry registry) {
        ImageFetchClient client = new ImageFetchClient(java.net.InetAddress::getAllByName,
                settings.imageFetchAllowPrivate(), settings.imageFetchTimeoutSeconds() * 1000L,
                settings.imageFetchMaxBytes());
        try {
            // the pool, the lookup threads and the deadline timer go with the context
            context.addService(new org.apache.camel.support.service.ServiceSupport() {
                @Override
                protected void doStop() {
                    client.close();
                }
            }, true, false);
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the image fetch client's shutdown", e);
        }
        registry.bind("imageUrlGuard", new ImageUrlGuard());
        registry.bind("imageFetchClient", client);
        registry.bind("imageDownload", new ImageDownload(settings.imageFetchMaxBytes()));
    }

    /** Readiness (/observe/health): the port answers, the database answers and a key is usable (in each pool with keys). */
    public void registerHealth(CamelContext context, java.util.function.IntSupplier boundPort) {
        List<CaravanHealthCheck.Condition> conditions = new ArrayList<>();
        conditions.add(new CaravanHealthCheck.Condition("http", () -> boundPort.getAsInt() > 0 ? null : "HTTP port not bound"));
        conditions.add(new CaravanHealthCheck.Condition("database", this::databaseProblem));
        conditions.add(new CaravanHealthCheck.Condition("keys", () -> pool.usable() > 0 ? null : "no usable API key"));
        // the Vertex pool is optional (VERTEX_API_KEYS may be empty); one with keys but none usable is down as the Gemini pool is
        conditions.add(new CaravanHealthCheck.Condition("vertexKeys",
                () -> vertexPool.size() == 0 || vertexPool.usable() > 0 ? null : "no usable Vertex key"));
        CaravanHealthCheck check = new CaravanHealthCheck(conditions);
        check.setCamelContext(context);
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        if (registry != null) {
            registry.register(check);
        }
    }

    private String databaseProblem() {
        if (dataSource == null) {
            return "database not configured";
        }
        try (java.sql.Connection c = dataSource.getConnection()) {
            return c.isValid(2) ? null : "database does not answer";
        } catch (java.sql.SQLException e) {
            return "database does not answer: " + e.getClass().getSimpleName();
        }
    }

    // --- Carrying a gemini-balance deployment over (README "Moving from gemini-balance") ---

    /** Takes over, once, what gemini-balance kept in this database; before the settings table is read. */
    private void carryOver(CamelContext context, Properties props, Settings fromEnvironment, LongSupplier clock) {
        carryover = new GeminiBalanceImport(dataSource, clock);
        KeyFingerprint fp = new Installation(dataSource, clock).fingerprints();
        carryover.run(List.of(new GeminiBalanceSettings(variablesOf(context), props, START_ONLY,
                fromEnvironment.apiKeys(), fp), new dev.caravan.storage.GeminiBalanceFileRecords(fp)));
    }

    /**
     * gemini-balance's variable names → the caravan.* property each sets, from the placeholders of the property files
     * as written (the resolved properties, and any override, no longer show which variable a property reads).
     */
    private static Map<String, String> variablesOf(CamelContext context) {
        java.util.regex.Pattern env = java.util.regex.Pattern.compile("\\{\\{env:([A-Za-z0-9_]+)(?::.*)?}}");
        Map<String, String> out = new java.util.HashMap<>();
        for (String location : context.getPropertiesComponent().getLocations()) {
            String where = location.startsWith("optional:") ? location.substring("optional:".length()) : location;
            if (!where.startsWith("file:")) {
                continue;
            }
            Properties raw = new Properties();
            try (java.io.Reader r = java.nio.file.Files.newBufferedReader(Path.of(where.substring("file:".length())))) {
                raw.load(r);
            } catch (java.io.IOException e) {
                continue;
            }
            for (String name : raw.stringPropertyNames()) {
                java.util.regex.Matcher m = env.matcher(raw.getProperty(name).trim());
                if (name.startsWith("caravan.") && m.matches()) {
                    out.putIfAbsent(m.group(1), name);
                }
            }
        }
        return out;
    }

    /** What was taken over from gemini-balance (the admin page shows it). */
    public GeminiBalanceImport carryover() {
        return carryover;
    }

    /** Why the configuration could not be read, or null. */
    public RuntimeException failure() {
        return failure;
    }

    public Settings settings() {
        return settings;
    }

    public KeyRoundRobin pool() {
        return pool;
    }

    /** The Vertex AI Express pool (VERTEX_API_KEYS). */
    public KeyRoundRobin vertexPool() {
        return vertexPool;
    }

    /** How this installation names keys and tokens (under its own secret, from the database). */
    public KeyFingerprint fingerprints() {
        return fingerprints;
    }

    public CaravanMetrics metrics() {
        return metrics;
    }

    /** The pooled DataSource, for the health check. */
    public javax.sql.DataSource dataSource() {
        return dataSource;
    }

    public SettingsStore settingsStore() {
        return settingsStore;
    }

    public KeyStateStore keyStateStore() {
        return keyStateStore;
    }

    public RequestLog requestLog() {
        return requestLog;
    }

    /** The settings in force now (the admin page may have changed them since start). */
    public RuntimeSettings runtime() {
        return runtime;
    }

    /** PROXIES, checked at start: a bad entry stops it, naming the variable and the entry's position. */
    private UpstreamProxies proxies() {
        try {
            return UpstreamProxies.of(settings.proxies()).byKey(settings.proxiesUseConsistencyHashByApiKey());
        } catch (IllegalArgumentException e) {
            InvalidSettingException invalid = new InvalidSettingException("PROXIES", "caravan.proxies", null, e.getMessage());
            failure = invalid;
            throw invalid;
        }
    }

    /** Every {@code caravan.*} property with its placeholders ({@code {{env:...}}}) resolved. */
    private static Properties caravanProperties(CamelContext context) {
        PropertiesComponent pc = context.getPropertiesComponent();
        Properties resolved = new Properties();
        for (String name : pc.loadProperties(k -> k.startsWith("caravan.")).stringPropertyNames()) {
            pc.resolveProperty(name).ifPresent(v -> resolved.setProperty(name, v));
        }
        return resolved;
    }
}
