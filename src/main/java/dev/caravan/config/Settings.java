package dev.caravan.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.models.ModelName;

/**
 * Caravan's typed settings, read once from the resolved {@code caravan.*} properties and validated, so that a
 * malformed value stops start-up with a message naming the environment variable an operator actually set.
 * Immutable; safe to share between threads.
 */
public final class Settings {

    /**
     * The shortest admin token (AUTH_TOKEN) accepted, at start and on the admin page alike: the token opens the admin
     * API, which shows and changes keys, so it must not be guessable even at the login throttle's pace.
     */
    public static final int MIN_AUTH_TOKEN_LENGTH = 16;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final int port;
    private final List<String> apiKeys;
    private final List<String> allowedTokens;
    private final String authToken;
    private final int clientTokenMaxFailures;
    private final int unauthenticatedLogSeconds;
    private final URI baseUrl;
    private final int maxFailures;
    private final int maxRetries;
    private final int timeoutSeconds;
    private final long maxBodyBytes;
    private final int workerPoolSize;
    private final int requestLogQueueSize;
    private final int upstreamPoolSize;
    private final int httpHeaderTimeoutSeconds;
    private final int httpReadTimeoutSeconds;
    private final int httpIdleTimeoutSeconds;
    private final int shutdownTimeoutSeconds;
    private final int throttleCooldownSeconds;
    private final int unavailableModelHours;
    private final List<String> searchModels;
    private final List<String> imageModels;
    private final List<String> thinkingModels;
    private final Map<String, Integer> thinkingBudgetMap;
    private final JsonNode safetySettings;
    private final List<String> proxies;
    private final List<String> filteredModels;
    private final int modelsCacheSeconds;
    private final String createImageModel;
    private final int imageFetchMaxBytes;
    private final int imageFetchTimeoutSeconds;
    private final boolean imageFetchAllowPrivate;
    private final int imageFetchMaxUrls;
    private final List<String> openAiPassThroughExtraPaths;
    private final DatabaseType databaseType;
    private final String sqliteDatabase;
    private final String mysqlHost;
    private final int mysqlPort;
    private final String mysqlUser;
    private final String mysqlPassword;
    private final String mysqlDatabase;
    private final boolean autoDeleteRequestLogsEnabled;
    private final int autoDeleteRequestLogsDays;
    private final boolean autoDeleteErrorLogsEnabled;
    private final int autoDeleteErrorLogsDays;
    private final int checkIntervalHours;
    private final String testModel;
    private final boolean jolokiaEnabled;
    private final boolean jolokiaAllowOperations;
    // --- gemini-balance parity: tool flags, custom headers, proxy choice (issue 12) ---
    private final Map<String, String> customHeaders;
    private final boolean toolsCodeExecutionEnabled;
    private final boolean urlContextEnabled;
    private final List<String> urlContextModels;
    private final boolean showSearchLink;
    private final boolean showThinkingProcess;
    private final boolean proxiesUseConsistencyHashByApiKey;
    // --- Vertex Express and speech ---
    private final List<String> vertexApiKeys;
    private final URI vertexExpressBaseUrl;
    private final String ttsModel;
    private final String ttsVoiceName;
    private final String ttsSpeed;
    // --- Files API ---
    private final boolean filesUserIsolationEnabled;
    private final boolean filesCleanupEnabled;
    private final int filesCleanupIntervalHours;
    // --- Streams: heartbeats and fake streaming ---
    private final int streamHeartbeatSeconds;
    private final boolean fakeStreamEnabled;
    private final int fakeStreamEmptyDataIntervalSeconds;
    // --- Carry-over and admin parity (issue 12): gemini-balance's admin-page settings ---
    private final boolean errorLogRecordRequestBody;
    private final int adminSessionExpireSeconds;
    private final String logLevel;
    // --- Images: image hosts (routes/image-hosts) and the paid key ---
    private final String imageHost;
    private final int imageUploadTimeoutSeconds;
    private final int imageUploadMaxBytes;
    private final String paidKey;
    private final List<String> paidModels;
    // --- issue 12 leftovers: URL_NORMALIZATION_ENABLED, TIMEZONE, LOG_LEVEL ---
    private final boolean urlNormalizationEnabled;
    private final java.time.ZoneId timezone;
    // --- Stream optimizer (STREAM_OPTIMIZER_*, gemini-balance's typewriter pacing of streamed text) ---
    private final StreamOptimizerSettings streamOptimizer;
    // --- Quotas: the pool's rules for Google's limits (issue 14, README "Quotas") ---
    private final int maxRejectedKeys;
    private final int quotaWaitSeconds;
    private final int projectEvidenceSeconds;
    private final int egressThrottleProjects;
    private final int egressThrottleWindowSeconds;
    private final int egressPauseMaxSeconds;
    private final Map<String, QuotaLimits> quotaLimits;
    // --- Quotas: pacing by budgets (issue 14, README "Quotas") ---
    private final int quotaMinuteSeconds;
    // --- Replicas: the shared store (issue 15, README "Scale out") ---
    private final String redisUrl;
    private final int clusterLeaseSeconds;
    private final String redisPrefix;

    private Settings(Reader r) {
        port = r.integer("caravan.port", "PORT", 0, 65535);
        apiKeys = r.list("caravan.api-keys", "API_KEYS");
        allowedTokens = r.list("caravan.allowed-tokens", "ALLOWED_TOKENS");
        authToken = r.string("caravan.auth-token", "AUTH_TOKEN");
        if (!authToken.isEmpty() && authToken.length() < MIN_AUTH_TOKEN_LENGTH) {
            // the token itself is never echoed
            throw new InvalidSettingException("AUTH_TOKEN", "caravan.auth-token", null, authTokenTooShort());
        }
        clientTokenMaxFailures = r.integer("caravan.client-token-max-failures", "CLIENT_TOKEN_MAX_FAILURES", 1, 1_000_000);
        unauthenticatedLogSeconds = r.integer("caravan.unauthenticated-log-seconds", "UNAUTHENTICATED_LOG_SECONDS", 1, 86_400);
        baseUrl = r.value("caravan.base-url", "BASE_URL", Settings::parseBaseUrl);
        maxFailures = r.integer("caravan.max-failures", "MAX_FAILURES", 1, 1_000_000);
        maxRetries = r.integer("caravan.max-retries", "MAX_RETRIES", 1, 1_000);
        timeoutSeconds = r.integer("caravan.time-out", "TIME_OUT", 1, 86_400);
        maxBodyBytes = r.integer("caravan.max-body-bytes", "MAX_BODY_SIZE", 1024, Integer.MAX_VALUE);
        workerPoolSize = r.integer("caravan.worker-pool-size", "WORKER_POOL_SIZE", 4, 100_000);
        requestLogQueueSize = r.integer("caravan.request-log-queue-size", "REQUEST_LOG_QUEUE_SIZE", 10, 10_000_000);
        upstreamPoolSize = r.integer("caravan.upstream-pool-size", "UPSTREAM_POOL_SIZE", 1, 100_000);
        httpHeaderTimeoutSeconds = r.integer("caravan.http-header-timeout-seconds", "HTTP_HEADER_TIMEOUT_SECONDS", 1, 3_600);
        httpReadTimeoutSeconds = r.integer("caravan.http-read-timeout-seconds", "HTTP_READ_TIMEOUT_SECONDS", 1, 3_600);
        httpIdleTimeoutSeconds = r.integer("caravan.http-idle-timeout-seconds", "HTTP_IDLE_TIMEOUT_SECONDS", 1, 86_400);
        shutdownTimeoutSeconds = r.integer("caravan.shutdown-timeout-seconds", "SHUTDOWN_TIMEOUT_SECONDS", 0, 3_600);
        throttleCooldownSeconds = r.integer("caravan.throttle-cooldown-seconds", "THROTTLE_COOLDOWN_SECONDS", 0, 10);
        unavailableModelHours = r.integer("caravan.unavailable-model-hours", "UNAVAILABLE_MODEL_HOURS", 1, 24 * 365);
        searchModels = r.list("caravan.search-models", "SEARCH_MODELS");
        imageModels = r.list("caravan.image-models", "IMAGE_MODELS");
        thinkingModels = r.list("caravan.thinking-models", "THINKING_MODELS");
        thinkingBudgetMap = r.value("caravan.thinking-budget-map", "THINKING_BUDGET_MAP", Settings::parseBudgets);
        safetySettings = r.value("caravan.safety-settings", "SAFETY_SETTINGS", Settings::parseSafety);
        proxies = r.list("caravan.proxies", "PROXIES");
        filteredModels = r.list("caravan.filtered-models", "FILTERED_MODELS");
        modelsCacheSeconds = r.integer("caravan.models-cache-seconds", "MODELS_CACHE_SECONDS", 0, 86_400 * 7);
        // it goes into Google's URL when a client names no model: the rule client names follow
        createImageModel = r.value("caravan.create-image-model", "CREATE_IMAGE_MODEL",
                raw -> raw.isEmpty() ? raw : parseModel(raw));
        imageFetchMaxBytes = r.integer("caravan.image-fetch-max-bytes", "IMAGE_FETCH_MAX_BYTES", 1024, Integer.MAX_VALUE);
        imageFetchTimeoutSeconds = r.integer("caravan.image-fetch-timeout-seconds", "IMAGE_FETCH_TIMEOUT_SECONDS", 1, 600);
        imageFetchAllowPrivate = r.bool("caravan.image-fetch-allow-private", "IMAGE_FETCH_ALLOW_PRIVATE");
        imageFetchMaxUrls = r.integer("caravan.image-fetch-max-urls", "IMAGE_FETCH_MAX_URLS", 0, 1_000);
        List<String> extraPaths = r.list("caravan.openai-pass-through-extra-paths", "OPENAI_PASS_THROUGH_EXTRA_PATHS");
        openAiPassThroughExtraPaths = r.value("caravan.openai-pass-through-extra-paths",
                "OPENAI_PASS_THROUGH_EXTRA_PATHS", raw -> parsePassThroughPaths(extraPaths));
        databaseType = r.value("caravan.database-type", "DATABASE_TYPE", DatabaseType::parse);
        sqliteDatabase = r.value("caravan.sqlite-database", "SQLITE_DATABASE", Settings::parseFileName);
        mysqlHost = r.string("caravan.mysql-host", "MYSQL_HOST");
        mysqlPort = r.integer("caravan.mysql-port", "MYSQL_PORT", 1, 65535);
        mysqlUser = r.string("caravan.mysql-user", "MYSQL_USER");
        // a password is taken as written: spaces at its ends may be part of it
        mysqlPassword = r.raw("caravan.mysql-password");
        mysqlDatabase = r.value("caravan.mysql-database", "MYSQL_DATABASE", Settings::parseDatabaseName);
        if (databaseType == DatabaseType.MYSQL) {
            r.require("caravan.mysql-host", "MYSQL_HOST", mysqlHost, "DATABASE_TYPE=mysql needs the server's host name");
            r.require("caravan.mysql-database", "MYSQL_DATABASE", mysqlDatabase, "DATABASE_TYPE=mysql needs a database name");
            r.require("caravan.mysql-user", "MYSQL_USER", mysqlUser, "DATABASE_TYPE=mysql needs a user name");
        }
        autoDeleteRequestLogsEnabled = r.bool("caravan.auto-delete-request-logs-enabled", "AUTO_DELETE_REQUEST_LOGS_ENABLED");
        autoDeleteRequestLogsDays = r.integer("caravan.auto-delete-request-logs-days", "AUTO_DELETE_REQUEST_LOGS_DAYS", 1, 36_500);
        autoDeleteErrorLogsEnabled = r.bool("caravan.auto-delete-error-logs-enabled", "AUTO_DELETE_ERROR_LOGS_ENABLED");
        autoDeleteErrorLogsDays = r.integer("caravan.auto-delete-error-logs-days", "AUTO_DELETE_ERROR_LOGS_DAYS", 1, 36_500);
        // 0 turns the scheduled re-check off, as in gemini-balance
        checkIntervalHours = r.integer("caravan.check-interval-hours", "CHECK_INTERVAL_HOURS", 0, 24 * 365);
        testModel = r.value("caravan.test-model", "TEST_MODEL", Settings::parseModel);
        jolokiaEnabled = r.bool("caravan.jolokia-enabled", "JOLOKIA_ENABLED");
        jolokiaAllowOperations = r.bool("caravan.jolokia-allow-operations", "JOLOKIA_ALLOW_OPERATIONS");
        // --- gemini-balance parity: tool flags, custom headers, proxy choice (issue 12) ---
        customHeaders = r.secretValue("caravan.custom-headers", "CUSTOM_HEADERS", Settings::parseCustomHeaders);
        toolsCodeExecutionEnabled = r.bool("caravan.tools-code-execution-enabled", "TOOLS_CODE_EXECUTION_ENABLED");
        urlContextEnabled = r.bool("caravan.url-context-enabled", "URL_CONTEXT_ENABLED");
        urlContextModels = r.list("caravan.url-context-models", "URL_CONTEXT_MODELS");
        showSearchLink = r.boolDefaultTrue("caravan.show-search-link", "SHOW_SEARCH_LINK");
        showThinkingProcess = r.boolDefaultTrue("caravan.show-thinking-process", "SHOW_THINKING_PROCESS");
        proxiesUseConsistencyHashByApiKey = r.boolDefaultTrue("caravan.proxies-use-consistency-hash-by-api-key",
                "PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY");
        // --- Vertex Express and speech ---
        vertexApiKeys = r.list("caravan.vertex-api-keys", "VERTEX_API_KEYS");
        vertexExpressBaseUrl = r.value("caravan.vertex-express-base-url", "VERTEX_EXPRESS_BASE_URL", Settings::parseBaseUrl);
        // these three go into Google's URL or into every speech prompt: checked as a client's would be
        ttsModel = r.value("caravan.tts-model", "TTS_MODEL", Settings::parseModel);
        ttsVoiceName = r.value("caravan.tts-voice-name", "TTS_VOICE_NAME", Settings::parseVoiceName);
        ttsSpeed = r.value("caravan.tts-speed", "TTS_SPEED", Settings::parseSpeed);
        // --- Files API ---
        filesUserIsolationEnabled = r.bool("caravan.files-user-isolation-enabled", "FILES_USER_ISOLATION_ENABLED");
        filesCleanupEnabled = r.bool("caravan.files-cleanup-enabled", "FILES_CLEANUP_ENABLED");
        filesCleanupIntervalHours = r.integer("caravan.files-cleanup-interval-hours", "FILES_CLEANUP_INTERVAL_HOURS", 1, 24 * 365);
        // --- Streams: heartbeats and fake streaming ---
        streamHeartbeatSeconds = r.integer("caravan.stream-heartbeat-seconds", "STREAM_HEARTBEAT_SECONDS", 0, 3_600);
        fakeStreamEnabled = r.bool("caravan.fake-stream-enabled", "FAKE_STREAM_ENABLED");
        fakeStreamEmptyDataIntervalSeconds = r.integer("caravan.fake-stream-empty-data-interval-seconds",
                "FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS", 1, 3_600);
        // --- Carry-over and admin parity (issue 12) ---
        errorLogRecordRequestBody = r.bool("caravan.error-log-record-request-body", "ERROR_LOG_RECORD_REQUEST_BODY");
        adminSessionExpireSeconds = r.integer("caravan.admin-session-expire", "ADMIN_SESSION_EXPIRE", 300, 86_400);
        logLevel = r.value("caravan.log-level", "LOG_LEVEL", LogLevel::log4jName);
        // --- Images: image hosts (routes/image-hosts) and the paid key ---
        imageHost = r.value("caravan.upload-provider", "UPLOAD_PROVIDER", Settings::parseImageHost);
        String credential = switch (imageHost) {
            case "smms" -> "SMMS_SECRET_TOKEN:caravan.smms-secret-token";
            case "picgo" -> "PICGO_API_KEY:caravan.picgo-api-key";
            case "cloudflare-imgbed" -> "CLOUDFLARE_IMGBED_URL:caravan.cloudflare-imgbed-url";
            default -> null;
        };
        if (credential != null) {
            String[] vp = credential.split(":");
            r.require(vp[1], vp[0], r.string(vp[1], vp[0]), "UPLOAD_PROVIDER=" + r.string("caravan.upload-provider",
                    "UPLOAD_PROVIDER") + " needs " + vp[0]);
        }
        imageUploadTimeoutSeconds = r.integer("caravan.image-upload-timeout-seconds", "IMAGE_UPLOAD_TIMEOUT_SECONDS", 1, 600);
        imageUploadMaxBytes = r.integer("caravan.image-upload-max-bytes", "IMAGE_UPLOAD_MAX_BYTES", 1024, Integer.MAX_VALUE);
        // a key is taken as written, as API_KEYS are; it is never echoed
        paidKey = r.string("caravan.paid-key", "PAID_KEY");
        paidModels = r.value("caravan.paid-models", "PAID_MODELS", raw -> {
            List<String> models = r.list("caravan.paid-models", "PAID_MODELS");
            models.forEach(Settings::parseModel);
            return models;
        });
    // --- issue 12 leftovers: URL_NORMALIZATION_ENABLED, TIMEZONE, LOG_LEVEL ---
        urlNormalizationEnabled = r.bool("caravan.url-normalization-enabled", "URL_NORMALIZATION_ENABLED");
        timezone = r.value("caravan.timezone", "TIMEZONE", Settings::parseZone);
        // --- Stream optimizer (STREAM_OPTIMIZER_*) ---
        streamOptimizer = readStreamOptimizer(r);
        // --- Quotas: the pool's rules for Google's limits (issue 14, README "Quotas") ---
        maxRejectedKeys = r.integer("caravan.max-rejected-keys", "MAX_REJECTED_KEYS", 0, 100_000);
        quotaWaitSeconds = r.integer("caravan.quota-wait-seconds", "QUOTA_WAIT_SECONDS", 0, 600);
        projectEvidenceSeconds = r.integer("caravan.project-evidence-seconds", "PROJECT_EVIDENCE_SECONDS", 0, 60);
        egressThrottleProjects = r.integer("caravan.egress-throttle-projects", "EGRESS_THROTTLE_PROJECTS", 0, 100_000);
        egressThrottleWindowSeconds = r.integer("caravan.egress-throttle-window-seconds", "EGRESS_THROTTLE_WINDOW_SECONDS", 1, 600);
        egressPauseMaxSeconds = r.integer("caravan.egress-pause-max-seconds", "EGRESS_PAUSE_MAX_SECONDS", 1, 3_600);
        quotaLimits = r.value("caravan.quota-limits", "QUOTA_LIMITS", QuotaLimits::parseTable);
        // --- Quotas: pacing by budgets (issue 14, README "Quotas") ---
        quotaMinuteSeconds = r.integer("caravan.quota-minute-seconds", "QUOTA_MINUTE_SECONDS", 1, 60);
        // it may hold a password: a malformed one is refused without echoing it
        redisUrl = r.secretValue("caravan.redis-url", "REDIS_URL", raw -> {
            String url = raw.strip();
            if (!url.isEmpty() && !url.matches("(?i)(redis|rediss|unix)://\\S+")) {
                throw new IllegalArgumentException("not a redis://, rediss:// or unix:// address");
            }
            return url;
        });
        clusterLeaseSeconds = r.integer("caravan.cluster-lease-seconds", "CLUSTER_LEASE_SECONDS", 3, 300);
        redisPrefix = r.value("caravan.redis-prefix", "REDIS_PREFIX", raw -> {
            String prefix = raw.strip();
            if (!prefix.matches("[A-Za-z0-9:_.-]{1,64}")) {
                throw new IllegalArgumentException("1 to 64 letters, digits or :_.-");
            }
            return prefix;
        });
    }

    /**
     * Reads and validates the settings.
     *
     * @param props the resolved properties (placeholders already replaced)
     * @throws InvalidSettingException naming the variable when a value is malformed
     */
    public static Settings from(Properties props) {
        return new Settings(new Reader(props));
    }

    public int port() { return port; }
    public List<String> apiKeys() { return apiKeys; }
    public List<String> allowedTokens() { return allowedTokens; }
    /** The admin token, or empty when the operator set none. */
    public String authToken() { return authToken; }
    /** Wrong client tokens one address may send within a minute before it gets 429 for the rest of that minute. */
    public int clientTokenMaxFailures() { return clientTokenMaxFailures; }
    /** The interval in which only the first unauthenticated request of an address gets log rows (the rest: a count). */
    public int unauthenticatedLogSeconds() { return unauthenticatedLogSeconds; }
    public URI baseUrl() { return baseUrl; }
    public int maxFailures() { return maxFailures; }
    public int maxRetries() { return maxRetries; }
    public int timeoutSeconds() { return timeoutSeconds; }
    public long maxBodyBytes() { return maxBodyBytes; }
    public int workerPoolSize() { return workerPoolSize; }
    /** Request-log rows held in memory while the database is slow or away; beyond them rows are dropped and counted. */
    public int requestLogQueueSize() { return requestLogQueueSize; }
    public int upstreamPoolSize() { return upstreamPoolSize; }
    /** Seconds a client has to send a whole request head, from its first byte (or from connecting). */
    public int httpHeaderTimeoutSeconds() { return httpHeaderTimeoutSeconds; }
    /** The longest silence while a request body arrives. */
    public int httpReadTimeoutSeconds() { return httpReadTimeoutSeconds; }
    /** How long a kept-alive connection may wait for its next request; never counted while an answer is written. */
    public int httpIdleTimeoutSeconds() { return httpIdleTimeoutSeconds; }
    /** Seconds a shutdown lets the requests in flight finish before it cuts them. */
    public int shutdownTimeoutSeconds() { return shutdownTimeoutSeconds; }
    public int throttleCooldownSeconds() { return throttleCooldownSeconds; }
    public int unavailableModelHours() { return unavailableModelHours; }
    public List<String> searchModels() { return searchModels; }
    public List<String> imageModels() { return imageModels; }
    public List<String> thinkingModels() { return thinkingModels; }
    public Map<String, Integer> thinkingBudgetMap() { return thinkingBudgetMap; }
    /**
     * SAFETY_SETTINGS as Google's {@code safetySettings} array, added to translated OpenAI requests that carry none
     * (a copy each time: the node is not to be changed); null when unset.
     */
    public JsonNode safetySettings() { return safetySettings; }
    /** PROXIES: outbound proxy URLs for the calls to Google (may hold credentials: never log them). */
    public List<String> proxies() { return proxies; }
    public List<String> filteredModels() { return filteredModels; }
    public int modelsCacheSeconds() { return modelsCacheSeconds; }
    /** The model /v1/images/generations uses when the client names none (empty: the client must name one). */
    public String createImageModel() { return createImageModel; }
    /** The most bytes of one fetched image URL. */
    public int imageFetchMaxBytes() { return imageFetchMaxBytes; }
    /** The whole fetch of one image URL, from the name lookup to the last byte. */
    public int imageFetchTimeoutSeconds() { return imageFetchTimeoutSeconds; }
    /** Whether image URLs may point at loopback or private addresses (off: a client could probe the network). */
    public boolean imageFetchAllowPrivate() { return imageFetchAllowPrivate; }
    /** The most http(s) image URLs one chat request may hold (0: none is fetched). */
    public int imageFetchMaxUrls() { return imageFetchMaxUrls; }
    /**
     * Paths below /openai/v1/ that pass through besides chat/completions, embeddings and models, each with what is
     * below it (e.g. "files"): endpoints whose objects every client of the pool shares.
     */
    public List<String> openAiPassThroughExtraPaths() { return openAiPassThroughExtraPaths; }
    public DatabaseType databaseType() { return databaseType; }
    /**
     * The SQLite file (DATABASE_TYPE=sqlite): a bare file name lies in {@code data/} (where gemini-balance keeps it, and
     * the Docker volume is), a path is relative to the working directory unless absolute.
     */
    public String sqliteDatabase() { return sqliteDatabase; }
    public String mysqlHost() { return mysqlHost; }
    public int mysqlPort() { return mysqlPort; }
    public String mysqlUser() { return mysqlUser; }
    /** The database password: only for the DataSource, never for a log or a message. */
    public String mysqlPassword() { return mysqlPassword; }
    public String mysqlDatabase() { return mysqlDatabase; }
    public boolean autoDeleteRequestLogsEnabled() { return autoDeleteRequestLogsEnabled; }
    public int autoDeleteRequestLogsDays() { return autoDeleteRequestLogsDays; }
    public boolean autoDeleteErrorLogsEnabled() { return autoDeleteErrorLogsEnabled; }
    public int autoDeleteErrorLogsDays() { return autoDeleteErrorLogsDays; }
    /** Hours between two re-checks of the keys that are out of rotation; 0: no scheduled re-check. */
    public int checkIntervalHours() { return checkIntervalHours; }
    /** The model an operator's key test generates with (the scheduled re-check spends no quota and uses none). */
    public String testModel() { return testModel; }
    /** Whether Jolokia is served on the management port (JOLOKIA_ENABLED; Camel mounts it, Caravan guards it). */
    public boolean jolokiaEnabled() { return jolokiaEnabled; }
    /** Whether Jolokia clients may run MBean operations and change attributes, not only read (JOLOKIA_ALLOW_OPERATIONS). */
    public boolean jolokiaAllowOperations() { return jolokiaAllowOperations; }
    // --- Vertex Express and speech ---
    /** VERTEX_API_KEYS: the Vertex AI Express mode keys, a pool of their own beside API_KEYS. */
    public List<String> vertexApiKeys() { return vertexApiKeys; }
    /** Vertex AI Express's REST base up to the publisher, e.g. https://aiplatform.googleapis.com/v1beta1/publishers/google. */
    public URI vertexExpressBaseUrl() { return vertexExpressBaseUrl; }
    /** The Gemini TTS model /v1/audio/speech uses unless the client names a Gemini TTS model. */
    public String ttsModel() { return ttsModel; }
    /** The prebuilt voice /v1/audio/speech uses when the client names an OpenAI voice (or none). */
    public String ttsVoiceName() { return ttsVoiceName; }
    /** The pace word of /v1/audio/speech when the client sends no speed (e.g. normal, slow, fast). */
    public String ttsSpeed() { return ttsSpeed; }

    // --- gemini-balance parity: tool flags, custom headers, proxy choice (issue 12) ---
    /** CUSTOM_HEADERS: extra headers sent to Google on every call (as the contract's Caravan-Upstream-* headers). */
    public Map<String, String> customHeaders() { return customHeaders; }
    /** Whether requests that name no tools get Google's code execution tool (TOOLS_CODE_EXECUTION_ENABLED). */
    public boolean toolsCodeExecutionEnabled() { return toolsCodeExecutionEnabled; }
    /** Whether requests to URL_CONTEXT_MODELS get Google's URL context tool (URL_CONTEXT_ENABLED). */
    public boolean urlContextEnabled() { return urlContextEnabled; }
    public List<String> urlContextModels() { return urlContextModels; }
    /** Whether OpenAI answers of grounded requests end with their sources as links (SHOW_SEARCH_LINK). */
    public boolean showSearchLink() { return showSearchLink; }
    /** Whether OpenAI clients get the model's thought summaries as reasoning_content (SHOW_THINKING_PROCESS). */
    public boolean showThinkingProcess() { return showThinkingProcess; }
    /** Whether each key always goes through the same proxy (else a proxy is drawn for every attempt). */
    public boolean proxiesUseConsistencyHashByApiKey() { return proxiesUseConsistencyHashByApiKey; }
    // --- Files API ---
    /** Whether a client token sees and deletes only the files it uploaded (others get 404). */
    public boolean filesUserIsolationEnabled() { return filesUserIsolationEnabled; }
    /** Whether the records of expired files and unfinished uploads are removed on a schedule. */
    public boolean filesCleanupEnabled() { return filesCleanupEnabled; }
    /** Hours between two runs of that cleanup (read at start). */
    public int filesCleanupIntervalHours() { return filesCleanupIntervalHours; }
    // --- Streams: heartbeats and fake streaming ---
    /** Seconds between two heartbeats while a stream's client waits for Google's first event (0: none). */
    public int streamHeartbeatSeconds() { return streamHeartbeatSeconds; }
    /** Whether a client's SSE stream is asked of Google as one whole answer, with heartbeats while it waits. */
    public boolean fakeStreamEnabled() { return fakeStreamEnabled; }
    /** Seconds between two heartbeats of a fake stream. */
    public int fakeStreamEmptyDataIntervalSeconds() { return fakeStreamEmptyDataIntervalSeconds; }

    // --- Carry-over and admin parity (issue 12) ---
    /** Whether an error-log row keeps the client's request body (bounded, keys and tokens redacted). */
    public boolean errorLogRecordRequestBody() { return errorLogRecordRequestBody; }
    /** Seconds an admin session lives after its login (ADMIN_SESSION_EXPIRE, gemini-balance's cookie max-age). */
    public int adminSessionExpireSeconds() { return adminSessionExpireSeconds; }
    /** Caravan's own log level as log4j names it (DEBUG, INFO, WARN, ERROR, FATAL). */
    public String logLevel() { return logLevel; }


    // --- Images: image hosts (routes/image-hosts) and the paid key ---
    /**
     * The image host's route name (UPLOAD_PROVIDER in lower case, '_' as '-': its route consumes
     * direct:image-host-&lt;name&gt;), or empty when generated images stay inline.
     */
    public String imageHost() { return imageHost; }
    /** The whole upload of one image, connect to the last byte of the host's answer. */
    public int imageUploadTimeoutSeconds() { return imageUploadTimeoutSeconds; }
    /** The largest image uploaded; a larger one stays inline. */
    public int imageUploadMaxBytes() { return imageUploadMaxBytes; }
    /** PAID_KEY: the key for image generation and paid-only models, or empty; never for a log or a message. */
    public String paidKey() { return paidKey; }
    /** Models that go with the paid key (when there is one) wherever they are asked for. */
    public List<String> paidModels() { return paidModels; }

    // --- Quotas: the pool's rules for Google's limits (issue 14, README "Quotas") ---
    /**
     * Keys that refuse at once (429, invalid, suspended) a request may walk past beyond MAX_RETRIES: such refusals
     * do not spend the client's attempts, and this caps the walk.
     */
    public int maxRejectedKeys() { return maxRejectedKeys; }
    /** The longest a request waits for a cooling key to come back before it is answered 429 (0: never waits). */
    public int quotaWaitSeconds() { return quotaWaitSeconds; }
    /** How close two keys' quota 429s must be to count as evidence of one project (0: never learn from them). */
    public int projectEvidenceSeconds() { return projectEvidenceSeconds; }
    /** Projects refusing without a quota reason within the window that mean Google throttles the gateway (0: off). */
    public int egressThrottleProjects() { return egressThrottleProjects; }
    public int egressThrottleWindowSeconds() { return egressThrottleWindowSeconds; }
    /** The longest pause of the pool when Google throttles the gateway's address; pauses double up to it. */
    public int egressPauseMaxSeconds() { return egressPauseMaxSeconds; }
    /** QUOTA_LIMITS: per model, the project's limits as known before Google tells them. */
    public Map<String, QuotaLimits> quotaLimits() { return quotaLimits; }
    // --- Quotas: pacing by budgets (issue 14, README "Quotas") ---
    /** The length of Google's per-minute window the budgets count (60; less only for a benchmark that compresses time). */
    public int quotaMinuteSeconds() { return quotaMinuteSeconds; }

    // --- Replicas: the shared store (issue 15, README "Scale out") ---
    /** REDIS_URL: the store replicas share, or empty for a single process (the default); never for a log or a message. */
    public String redisUrl() { return redisUrl; }

    /** CLUSTER_LEASE_SECONDS: how long a replica's lease on a scheduled job lasts without renewal (a dead one's job moves on after it). */
    public int clusterLeaseSeconds() { return clusterLeaseSeconds; }
    /** REDIS_PREFIX: what every Redis key and channel of this installation starts with (several share one Redis). */
    public String redisPrefix() { return redisPrefix; }

    /** UPLOAD_PROVIDER: a route name; aliyun_oss is refused, as no host route of Caravan's speaks OSS. */
    private static String parseImageHost(String raw) {
        if (raw.isEmpty()) {
            return raw;
        }
        String name = raw.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (name.equals("aliyun-oss")) {
            throw new IllegalArgumentException("aliyun_oss is not supported: Caravan ships host routes for smms, picgo "
                    + "and cloudflare_imgbed; for Aliyun OSS (or any other host) add a route of your own to custom-routes/ "
                    + "and set UPLOAD_PROVIDER to its name (README \"Image hosts\")");
        }
        if (!name.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            throw new IllegalArgumentException("expected a host route's name such as smms, picgo or cloudflare_imgbed");
        }
        return name;
    }

    // --- issue 12 leftovers: URL_NORMALIZATION_ENABLED, TIMEZONE, LOG_LEVEL ---
    /** Whether a path no route serves is rewritten by gemini-balance's rules before it is answered 404. */
    public boolean urlNormalizationEnabled() { return urlNormalizationEnabled; }
    /** The zone of the daily retention at midnight and of the admin page's times (TIMEZONE; unset: the JVM's zone). */
    public java.time.ZoneId timezone() { return timezone; }

    /** TIMEZONE: an IANA zone id such as Asia/Shanghai (or an offset such as +08:00); empty: the JVM's own zone. */
    private static java.time.ZoneId parseZone(String raw) {
        if (raw.isEmpty()) {
            return java.time.ZoneId.systemDefault();
        }
        try {
            return java.time.ZoneId.of(raw);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("expected a time zone id such as Asia/Shanghai, Europe/Berlin or UTC");
        }
    }

    // --- Stream optimizer (STREAM_OPTIMIZER_*, gemini-balance's typewriter pacing of streamed text) ---
    /** STREAM_OPTIMIZER_ENABLED and its five settings, read at each stream (the admin page may change them). */
    public StreamOptimizerSettings streamOptimizer() { return streamOptimizer; }

    private static StreamOptimizerSettings readStreamOptimizer(Reader r) {
        return new StreamOptimizerSettings(
                r.bool("caravan.stream-optimizer-enabled", "STREAM_OPTIMIZER_ENABLED"),
                r.value("caravan.stream-min-delay", "STREAM_MIN_DELAY", Settings::parseDelaySeconds),
                r.value("caravan.stream-max-delay", "STREAM_MAX_DELAY", Settings::parseDelaySeconds),
                r.integer("caravan.stream-short-text-threshold", "STREAM_SHORT_TEXT_THRESHOLD", 1, 1_000_000),
                r.integer("caravan.stream-long-text-threshold", "STREAM_LONG_TEXT_THRESHOLD", 1, 1_000_000),
                r.integer("caravan.stream-chunk-size", "STREAM_CHUNK_SIZE", 1, 1_000_000));
    }

    /**
     * A pause in seconds as gemini-balance writes it (a float such as 0.016), from 0 to 10: beyond that a paced stream
     * would look dead to its client.
     */
    private static double parseDelaySeconds(String raw) {
        double d;
        try {
            d = Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected seconds such as 0.016");
        }
        if (!(d >= 0 && d <= 10)) {
            throw new IllegalArgumentException("expected seconds from 0 to 10, such as 0.016");
        }
        return d;
    }

    /** Why an AUTH_TOKEN is refused when it is too short; the admin page shows the same words. */
    public static String authTokenTooShort() {
        return "the admin token must have at least " + MIN_AUTH_TOKEN_LENGTH + " characters";
    }

    /** SAFETY_SETTINGS: a JSON array of {"category", "threshold"} objects, as Google's safetySettings. */
    private static JsonNode parseSafety(String raw) {
        if (raw.isEmpty()) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(raw);
        } catch (Exception e) {
            node = null;
        }
        if (node == null || !node.isArray()) {
            throw new IllegalArgumentException(
                    "expected a JSON array such as [{\"category\": \"HARM_CATEGORY_HARASSMENT\", \"threshold\": \"OFF\"}]");
        }
        for (JsonNode item : node) {
            if (!item.path("category").isTextual() || !item.path("threshold").isTextual()) {
                throw new IllegalArgumentException("every item needs a \"category\" and a \"threshold\"");
            }
        }
        return node;
    }

    /** Header names the gateway alone sets towards Google: credentials and the connection's own. */
    private static final java.util.Set<String> NOT_CUSTOM = java.util.Set.of("x-goog-api-key", "authorization", "host",
            "content-length", "transfer-encoding", "connection", "content-type", "upgrade", "te", "trailer",
            "proxy-authorization", "keep-alive", "cookie");

    /**
     * CUSTOM_HEADERS: a JSON object of header name → value, as gemini-balance reads it ({"X-Team": "ops"}); single
     * quotes as its settings table wrote them are accepted. Names the gateway sets itself, CR/LF and values over 8 KB
     * are refused here rather than on every request.
     */
    private static Map<String, String> parseCustomHeaders(String raw) {
        if (raw.isEmpty() || raw.equals("{}")) {
            return Map.of();
        }
        JsonNode node;
        try {
            node = JSON.readTree(raw.startsWith("{'") ? raw.replace('\'', '"') : raw);
        } catch (Exception e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            // the value may hold a secret (an auth header for a relay): never echo it
            throw new IllegalArgumentException("expected a JSON object such as {\"X-Team\": \"ops\"}");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String name = e.getKey();
            if (!name.matches("[A-Za-z0-9-]{1,64}") || NOT_CUSTOM.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                throw new IllegalArgumentException("the header name " + (name.matches("[A-Za-z0-9-]{1,64}") ? name : "#"
                        + headers.size()) + " cannot be set: letters, digits and '-', and not one the gateway sets itself");
            }
            JsonNode v = e.getValue();
            if (!v.isValueNode() || v.isNull()) {
                throw new IllegalArgumentException("the value of " + name + " must be a string");
            }
            String value = v.asText();
            if (value.length() > 8192 || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("the value of " + name + " must be one line of at most 8192 characters");
            }
            headers.put(name, value);
        }
        return Collections.unmodifiableMap(headers);
    }

    /** THINKING_BUDGET_MAP: a JSON object of model → token budget, e.g. {"gemini-2.5-flash": 2048}. */
    private static Map<String, Integer> parseBudgets(String raw) {
        if (raw.isEmpty()) {
            return Map.of();
        }
        JsonNode node;
        try {
            node = JSON.readTree(raw);
        } catch (Exception e) {
            throw new IllegalArgumentException("expected a JSON object such as {\"gemini-2.5-flash\": 2048}");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object such as {\"gemini-2.5-flash\": 2048}");
        }
        Map<String, Integer> budgets = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().canConvertToInt()) {
                throw new IllegalArgumentException("the budget of " + e.getKey() + " must be a whole number");
            }
            budgets.put(e.getKey(), e.getValue().asInt());
        }
        return Collections.unmodifiableMap(budgets);
    }

    /**
     * OPENAI_PASS_THROUGH_EXTRA_PATHS: a JSON array or comma list of paths below /openai/v1/ such as "files" or
     * "images/generations"; segments of letters, digits, '.', '_' and '-', none starting with a dot.
     */
    private static List<String> parsePassThroughPaths(List<String> paths) {
        for (String p : paths) {
            String path = p.startsWith("/") ? p.substring(1) : p;
            if (!path.matches("[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*")) {
                throw new IllegalArgumentException("expected paths below /openai/v1/ such as [\"files\", \"batches\"]");
            }
        }
        return paths.stream().map(p -> p.startsWith("/") ? p.substring(1) : p).distinct().toList();
    }

    /** SQLITE_DATABASE: a file name; a JDBC URL or SQLite's options in it would change what is opened. */
    private static String parseFileName(String raw) {
        if (raw.isEmpty()) {
            throw new IllegalArgumentException("expected a file name such as data/caravan.db");
        }
        if (raw.contains("?") || raw.startsWith("jdbc:") || raw.startsWith("file:") || raw.equals(":memory:")) {
            throw new IllegalArgumentException("expected a plain file name such as data/caravan.db, not a URL");
        }
        // gemini-balance's SQLITE_DATABASE=default_db means data/default_db
        return raw.indexOf('/') < 0 && raw.indexOf('\\') < 0 ? "data/" + raw : raw;
    }

    /** MYSQL_DATABASE: a plain identifier, since it becomes part of the JDBC URL. */
    private static String parseDatabaseName(String raw) {
        if (!raw.isEmpty() && !raw.matches("[A-Za-z0-9_$]{1,64}")) {
            throw new IllegalArgumentException("expected a database name of letters, digits, _ or $ (at most 64)");
        }
        return raw;
    }

    private static String parseModel(String raw) {
        if (!ModelName.isValid(raw)) {
            throw new IllegalArgumentException("expected a model id such as gemini-2.5-flash");
        }
        return raw;
    }

    /** TTS_VOICE_NAME: one of Google's prebuilt voice names, e.g. Zephyr or Kore. */
    private static String parseVoiceName(String raw) {
        if (!raw.matches("[A-Za-z]{1,32}")) {
            throw new IllegalArgumentException("expected one of Google's prebuilt voice names such as Zephyr or Kore");
        }
        return raw;
    }

    /** TTS_SPEED: a pace word or two that goes into the speech prompt, e.g. normal, slow, fast or very fast. */
    private static String parseSpeed(String raw) {
        if (!raw.matches("[A-Za-z][A-Za-z -]{0,31}")) {
            throw new IllegalArgumentException("expected a pace such as normal, slow or fast");
        }
        return raw;
    }

    private static URI parseBaseUrl(String raw) {
        URI uri = URI.create(raw.trim());
        String scheme = uri.getScheme();
        if (uri.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
            throw new IllegalArgumentException("expected an http(s) URL such as https://generativelanguage.googleapis.com/v1beta");
        }
        return uri;
    }

    /** Reads one property at a time and turns every failure into a message that names the variable. */
    private static final class Reader {
        private final Properties props;

        Reader(Properties props) {
            this.props = props;
        }

        String string(String property, String variable) {
            String v = props.getProperty(property);
            return v == null ? "" : v.trim();
        }

        String raw(String property) {
            String v = props.getProperty(property);
            return v == null ? "" : v;
        }

        <T> T value(String property, String variable, Function<String, T> parser) {
            String raw = string(property, variable);
            try {
                return parser.apply(raw);
            } catch (RuntimeException e) {
                throw new InvalidSettingException(variable, property, raw, e.getMessage());
            }
        }

        /** As {@link #value}, for a value that may hold a secret: the message names the variable, never the value. */
        <T> T secretValue(String property, String variable, Function<String, T> parser) {
            String raw = string(property, variable);
            try {
                return parser.apply(raw);
            } catch (RuntimeException e) {
                throw new InvalidSettingException(variable, property, null, e.getMessage());
            }
        }

        /** Fails naming the variable when a setting that another one makes necessary is empty. */
        void require(String property, String variable, String value, String problem) {
            if (value.isEmpty()) {
                throw new InvalidSettingException(variable, property, null, problem);
            }
        }

        boolean bool(String property, String variable) {
            return value(property, variable, raw -> {
                // gemini-balance's .env reads booleans as pydantic does: True, 1, yes and on count as true
                String v = raw.toLowerCase(java.util.Locale.ROOT);
                if (v.isEmpty() || v.equals("false") || v.equals("0") || v.equals("no") || v.equals("off")) {
                    return false;
                }
                if (v.equals("true") || v.equals("1") || v.equals("yes") || v.equals("on")) {
                    return true;
                }
                throw new IllegalArgumentException("expected true or false");
            });
        }

        /** A flag whose default is on (gemini-balance's defaults for SHOW_* and the proxy hash): empty means true. */
        boolean boolDefaultTrue(String property, String variable) {
            return string(property, variable).isEmpty() || bool(property, variable);
        }

        int integer(String property, String variable, int min, int max) {
            return value(property, variable, raw -> {
                int n;
                try {
                    n = Integer.parseInt(raw);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("expected a whole number");
                }
                if (n < min || n > max) {
                    throw new IllegalArgumentException("expected a whole number from " + min + " to " + max);
                }
                return n;
            });
        }

        /** A JSON array of strings (gemini-balance's form) or a comma-separated list; blanks and repeats dropped. */
        List<String> list(String property, String variable) {
            String raw = string(property, variable);
            if (raw.isEmpty()) {
                return List.of();
            }
            LinkedHashSet<String> out = new LinkedHashSet<>();
            if (raw.startsWith("[")) {
                JsonNode node;
                try {
                    node = JSON.readTree(raw);
                } catch (Exception e) {
                    // the value may hold secrets: never echo it back
                    throw new InvalidSettingException(variable, property, null, "not a valid JSON array of strings");
                }
                for (JsonNode item : node) {
                    if (!item.isTextual()) {
                        throw new InvalidSettingException(variable, property, null, "every item must be a string");
                    }
                    addTrimmed(out, item.asText());
                }
            } else {
                for (String part : raw.split(",")) {
                    addTrimmed(out, part);
                }
            }
            return Collections.unmodifiableList(new ArrayList<>(out));
        }

        private static void addTrimmed(LinkedHashSet<String> out, String s) {
            String t = s.trim();
            if (t.length() >= 2 && (t.startsWith("\"") && t.endsWith("\"") || t.startsWith("'") && t.endsWith("'"))) {
                t = t.substring(1, t.length() - 1).trim();
            }
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
    }
}
