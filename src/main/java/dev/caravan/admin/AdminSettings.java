package dev.caravan.admin;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.config.InvalidSettingException;
import dev.caravan.config.LogLevel;
import dev.caravan.config.RuntimeSettings;
import dev.caravan.config.Settings;
import dev.caravan.keys.KeyFingerprint;
import dev.caravan.storage.SettingsStore;
import org.apache.camel.Exchange;
import org.apache.camel.spi.PropertiesComponent;

/**
 * The Settings view: the settings an operator may change while Caravan runs, each validated by the same rules as at
 * start ({@link Settings}) with a message per field. A saved value goes to the {@code settings} table (so it wins
 * over the environment from then on, README "Where a setting comes from") and is put in force at once through
 * {@link RuntimeSettings}. A reset deletes the row, and the value from the environment or application.properties
 * is in force again at once. Secrets (ALLOWED_TOKENS, AUTH_TOKEN) are write-only: read back as whether they are
 * set (and the client tokens' fingerprints), never as values. Thread-safe: saves are serialised.
 */
public final class AdminSettings {

    /** One editable setting. */
    record Field(String name, String property, String kind, String group, String help) {
        boolean secret() {
            return kind.startsWith("secret");
        }
    }

    static final List<Field> FIELDS = List.of(
            new Field("MAX_RETRIES", "caravan.max-retries", "number", "Requests",
                    "Attempts per request in all, each on a different key (1 to 1000)"),
            new Field("MAX_FAILURES", "caravan.max-failures", "number", "Requests",
                    "Strikes (5xx, timeouts, broken streams) that take a key out of rotation (1 or more)"),
            new Field("TIME_OUT", "caravan.time-out", "number", "Requests",
                    "Seconds an attempt may wait for Google's answer to start, and between two stream events (1 to 86400)"),
            new Field("SEARCH_MODELS", "caravan.search-models", "list", "Models",
                    "Models that also get a <model>-search id with Google Search grounding"),
            new Field("IMAGE_MODELS", "caravan.image-models", "list", "Models",
                    "Models that also get a <model>-image id answering with text and images"),
            new Field("THINKING_MODELS", "caravan.thinking-models", "list", "Models",
                    "Models that also get a <model>-non-thinking id"),
            new Field("FILTERED_MODELS", "caravan.filtered-models", "list", "Models",
                    "Models hidden from /v1/models"),
            new Field("THINKING_BUDGET_MAP", "caravan.thinking-budget-map", "json", "Models",
                    "Thinking budget per model when the client sets none, e.g. {\"gemini-2.5-flash\": 2048}"),
            new Field("ALLOWED_TOKENS", "caravan.allowed-tokens", "secret-list", "Access",
                    "Client tokens, one per line: the saved list replaces the current one"),
            new Field("AUTH_TOKEN", "caravan.auth-token", "secret", "Access",
                    "The admin token (at least " + Settings.MIN_AUTH_TOKEN_LENGTH
                            + " characters); other sessions end when it changes"),
            new Field("AUTO_DELETE_REQUEST_LOGS_ENABLED", "caravan.auto-delete-request-logs-enabled", "bool", "Logs",
                    "Delete old request log rows (daily at midnight in TIMEZONE)"),
            new Field("AUTO_DELETE_REQUEST_LOGS_DAYS", "caravan.auto-delete-request-logs-days", "number", "Logs",
                    "Age in days beyond which request log rows are deleted"),
            new Field("AUTO_DELETE_ERROR_LOGS_ENABLED", "caravan.auto-delete-error-logs-enabled", "bool", "Logs",
                    "Delete old error log rows (daily at midnight in TIMEZONE)"),
            new Field("AUTO_DELETE_ERROR_LOGS_DAYS", "caravan.auto-delete-error-logs-days", "number", "Logs",
                    "Age in days beyond which error log rows are deleted"),
            new Field("CHECK_INTERVAL_HOURS", "caravan.check-interval-hours", "number", "Keys",
                    "Hours between re-checks of invalid, suspended and disabled keys"),
            // --- Streams: heartbeats and fake streaming ---
            new Field("STREAM_HEARTBEAT_SECONDS", "caravan.stream-heartbeat-seconds", "number", "Streams",
                    "Seconds between heartbeats while a stream waits for Google's first event (0: none, up to 3600)"),
            new Field("FAKE_STREAM_ENABLED", "caravan.fake-stream-enabled", "bool", "Streams",
                    "Ask Google for one whole answer when a client streams, with heartbeats while it waits"),
            new Field("FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS", "caravan.fake-stream-empty-data-interval-seconds",
                    "number", "Streams", "Seconds between heartbeats of a fake stream (1 to 3600)"),
            // --- Stream optimizer (STREAM_OPTIMIZER_*) ---
            new Field("STREAM_OPTIMIZER_ENABLED", "caravan.stream-optimizer-enabled", "bool", "Streams",
                    "Re-cut streamed text into characters or small pieces with a pause after each (a typewriter effect)"),
            new Field("STREAM_MIN_DELAY", "caravan.stream-min-delay", "text", "Streams",
                    "Seconds after each piece of a long text (0 to 10, e.g. 0.016)"),
            new Field("STREAM_MAX_DELAY", "caravan.stream-max-delay", "text", "Streams",
                    "Seconds after each character of a short text (0 to 10, e.g. 0.024)"),
            new Field("STREAM_SHORT_TEXT_THRESHOLD", "caravan.stream-short-text-threshold", "number", "Streams",
                    "Characters up to which a text gets the longest pause"),
            new Field("STREAM_LONG_TEXT_THRESHOLD", "caravan.stream-long-text-threshold", "number", "Streams",
                    "Characters from which a text goes in pieces with the shortest pause (shorter: one character at a time)"),
            new Field("STREAM_CHUNK_SIZE", "caravan.stream-chunk-size", "number", "Streams",
                    "Characters per piece of a long text"),
            // --- admin parity with gemini-balance (issue 12) ---
            new Field("BASE_URL", "caravan.base-url", "text", "Google",
                    "Google's Gemini REST base up to the version, or a relay's; the next call goes there"),
            new Field("PROXIES", "caravan.proxies", "secret-list", "Google",
                    "Proxies for the calls to Google, one per line: http://[user:pass@]host:port or socks5://host:port; "
                            + "the saved list replaces the current one (reset to go back to the environment's)"),
            new Field("SAFETY_SETTINGS", "caravan.safety-settings", "json", "Models",
                    "Google safetySettings added to OpenAI requests that carry none, e.g. "
                            + "[{\"category\": \"HARM_CATEGORY_HARASSMENT\", \"threshold\": \"OFF\"}]"),
            new Field("CREATE_IMAGE_MODEL", "caravan.create-image-model", "text", "Models",
                    "Model for /v1/images/generations when the client names none"),
            new Field("ERROR_LOG_RECORD_REQUEST_BODY", "caravan.error-log-record-request-body", "bool", "Logs",
                    "Keep the request body of failed requests in the error log (keys and tokens redacted)"),
            new Field("ADMIN_SESSION_EXPIRE", "caravan.admin-session-expire", "number", "Access",
                    "Seconds an admin session lives after its login (300 to 86400), for logins from now on"),
            // --- issue 12 leftovers: URL_NORMALIZATION_ENABLED, TIMEZONE, LOG_LEVEL (live, as in gemini-balance) ---
            new Field("URL_NORMALIZATION_ENABLED", "caravan.url-normalization-enabled", "bool", "Requests",
                    "Rewrite a path no route serves to the canonical one it most likely meant (gemini-balance's rules)"),
            new Field("TIMEZONE", "caravan.timezone", "text", "Logs",
                    "Zone of the daily retention at midnight and of this page's times, e.g. Asia/Shanghai (empty: the server's zone)"),
            new Field("LOG_LEVEL", "caravan.log-level", "text", "Logs",
                    "Level of Caravan's log lines: debug, info, warning, error or critical"));

    private final RuntimeSettings runtime;
    private final SettingsStore store;
    private final Properties environment;
    private final Properties effective;
    private final PropertiesComponent placeholders;
    private final AdminSessions sessions;
    private final ObjectMapper json;
    private final KeyFingerprint fingerprints;
    /** Told after each save (the other replicas are told through it). */
    private volatile Runnable onSaved = () -> { };

    /**
     * @param environment the resolved properties without the settings table (what a reset goes back to)
     * @param effective   the properties in force (the table applied); this bean keeps its own copy
     * @param fingerprints names the client tokens as the request log does
     */
    public AdminSettings(RuntimeSettings runtime, SettingsStore store, Properties environment, Properties effective,
                         PropertiesComponent placeholders, AdminSessions sessions, ObjectMapper json,
                         KeyFingerprint fingerprints) {
        this.runtime = runtime;
        this.store = store;
        this.environment = copy(environment);
        this.effective = copy(effective);
        this.placeholders = placeholders;
        this.sessions = sessions;
        this.json = json;
        this.fingerprints = fingerprints;
    }

    /** {@code GET /admin/api/settings}. */
    public synchronized void show(Exchange exchange) {
        Map<String, String> saved = store.all();
        Settings s = runtime.current();
        List<Map<String, Object>> fields = new ArrayList<>();
        for (Field f : FIELDS) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", f.name());
            m.put("property", f.property());
            m.put("kind", f.kind());
            m.put("group", f.group());
            m.put("help", f.help());
            m.put("saved", saved.containsKey(f.property()));
            m.put("secret", f.secret());
            if (f.name().equals("ALLOWED_TOKENS")) {
                m.put("set", !s.allowedTokens().isEmpty());
                m.put("fingerprints", s.allowedTokens().stream().map(fingerprints::of).toList());
            } else if (f.name().equals("AUTH_TOKEN")) {
                m.put("set", true);
            } else if (f.name().equals("PROXIES")) {
                // a proxy URL may hold a user and password: shown as scheme://host:port only
                m.put("set", !s.proxies().isEmpty());
                m.put("fingerprints", List.of());
                m.put("masked", s.proxies().stream().map(AdminSettings::proxyAddress).toList());
            } else {
                m.put("value", value(f, s));
            }
            fields.add(m);
        }
        AdminReply.json(exchange, json, 200, Map.of("fields", fields));
    }

    /** The value in force, in the form the page edits it. */
    private Object value(Field f, Settings s) {
        return switch (f.name()) {
            case "MAX_RETRIES" -> s.maxRetries();
            case "MAX_FAILURES" -> s.maxFailures();
            case "TIME_OUT" -> s.timeoutSeconds();
            case "SEARCH_MODELS" -> s.searchModels();
            case "IMAGE_MODELS" -> s.imageModels();
            case "THINKING_MODELS" -> s.thinkingModels();
            case "FILTERED_MODELS" -> s.filteredModels();
            case "THINKING_BUDGET_MAP" -> s.thinkingBudgetMap();
            case "AUTO_DELETE_REQUEST_LOGS_ENABLED" -> s.autoDeleteRequestLogsEnabled();
            case "AUTO_DELETE_REQUEST_LOGS_DAYS" -> s.autoDeleteRequestLogsDays();
            case "AUTO_DELETE_ERROR_LOGS_ENABLED" -> s.autoDeleteErrorLogsEnabled();
            case "AUTO_DELETE_ERROR_LOGS_DAYS" -> s.autoDeleteErrorLogsDays();
            case "CHECK_INTERVAL_HOURS" -> s.checkIntervalHours();
            // --- Streams: heartbeats and fake streaming ---
            case "STREAM_HEARTBEAT_SECONDS" -> s.streamHeartbeatSeconds();
            case "FAKE_STREAM_ENABLED" -> s.fakeStreamEnabled();
            case "FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS" -> s.fakeStreamEmptyDataIntervalSeconds();
            // --- Stream optimizer (STREAM_OPTIMIZER_*) ---
            case "STREAM_OPTIMIZER_ENABLED" -> s.streamOptimizer().enabled();
            case "STREAM_MIN_DELAY" -> seconds(s.streamOptimizer().minDelaySeconds());
            case "STREAM_MAX_DELAY" -> seconds(s.streamOptimizer().maxDelaySeconds());
            case "STREAM_SHORT_TEXT_THRESHOLD" -> s.streamOptimizer().shortTextThreshold();
            case "STREAM_LONG_TEXT_THRESHOLD" -> s.streamOptimizer().longTextThreshold();
            case "STREAM_CHUNK_SIZE" -> s.streamOptimizer().chunkSize();
            case "BASE_URL" -> s.baseUrl().toString();
            case "SAFETY_SETTINGS" -> s.safetySettings();
            case "CREATE_IMAGE_MODEL" -> s.createImageModel();
            case "ERROR_LOG_RECORD_REQUEST_BODY" -> s.errorLogRecordRequestBody();
            case "ADMIN_SESSION_EXPIRE" -> s.adminSessionExpireSeconds();
            case "URL_NORMALIZATION_ENABLED" -> s.urlNormalizationEnabled();
            case "TIMEZONE" -> s.timezone().getId();
            case "LOG_LEVEL" -> LogLevel.geminiBalanceName(s.logLevel());
            default -> null;
        };
    }

    /**
     * {@code PUT /admin/api/settings} with {@code {"values": {"MAX_RETRIES": 5, "SEARCH_MODELS": ["..."]},
     * "reset": ["TIME_OUT"]}}: validates every field first and saves nothing when one is wrong (400 with a message
     * per field); otherwise saves them and puts them in force.
     */
    public synchronized void save(Exchange exchange) {
        JsonNode body = readBody(exchange);
        Map<String, String> changes = new LinkedHashMap<>();
        List<Field> resets = new ArrayList<>();
        Map<String, String> errors = new LinkedHashMap<>();
        JsonNode values = body.path("values");
        if (!values.isMissingNode() && !values.isObject()) {
            throw AdminError.badRequest("\"values\" must be an object of setting name to value");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Field f = field(e.getKey());
            if (f == null) {
                errors.put(e.getKey(), "not a setting that can be changed here");
                continue;
            }
            String raw = text(e.getValue());
            if (f.secret() && raw.isEmpty()) {
                // a secret left blank keeps its value
                continue;
            }
            changes.put(f.property(), raw);
        }
        for (JsonNode n : body.path("reset")) {
            Field f = field(n.asText());
            if (f == null) {
                errors.put(n.asText(), "not a setting that can be changed here");
            } else {
                resets.add(f);
            }
        }
        // each field alone over the settings in force, so every wrong field gets its own message
        for (Map.Entry<String, String> c : changes.entrySet()) {
            Properties trial = copy(effective);
            trial.setProperty(c.getKey(), c.getValue());
            try {
                Settings checked = Settings.from(trial);
                if (c.getKey().equals("caravan.proxies")) {
                    // what start-up checks of PROXIES besides the list's form (UpstreamProxies)
                    dev.caravan.upstream.UpstreamProxies.of(checked.proxies());
                }
            } catch (InvalidSettingException e) {
                errors.put(byProperty(c.getKey()).name(), c.getKey().equals(e.property()) ? e.problem() : e.getMessage());
            } catch (IllegalArgumentException e) {
                errors.put(byProperty(c.getKey()).name(), e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw AdminError.invalidFields("Nothing was saved: correct the fields marked", errors);
        }
        Properties next = copy(effective);
        changes.forEach(next::setProperty);
        for (Field f : resets) {
            next.setProperty(f.property(), environment.getProperty(f.property(), ""));
        }
        Settings settings;
        try {
            settings = Settings.from(next);
        } catch (InvalidSettingException e) {
            throw AdminError.invalidFields("Nothing was saved: the settings do not fit together",
                    Map.of(e.variable(), e.problem()));
        }
        boolean adminTokenChanged = !runtime.current().authToken().equals(settings.authToken());
        for (Field f : resets) {
            store.delete(f.property());
        }
        changes.forEach(store::put);
        effective.clear();
        effective.putAll(next);
        for (String name : changed(changes, resets)) {
            placeholders.addOverrideProperty(name, next.getProperty(name, ""));
        }
        runtime.apply(settings);
        if (adminTokenChanged) {
            sessions.endAllExcept(exchange.getProperty(AdminAccess.SESSION, AdminSessions.Session.class));
        }
        onSaved.run();
        List<String> names = new ArrayList<>();
        changes.keySet().forEach(p -> names.add(byProperty(p).name()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("saved", names);
        out.put("reset", resets.stream().map(Field::name).toList());
        AdminReply.json(exchange, json, 200, out);
    }

    /** Calls {@code listener} after each save made here (several replicas: to tell the others). */
    public void onSaved(Runnable listener) {
        this.onSaved = listener;
    }

    /**
     * Re-reads the settings table and puts in force what was saved or reset elsewhere (another replica), as a save
     * here would; a table that would not validate is left out of force, with the settings in force kept.
     *
     * @return how many settings changed
     */
    public synchronized int reload() {
        Map<String, String> saved = store.all();
        Properties next = copy(effective);
        List<String> changed = new ArrayList<>();
        for (Field f : FIELDS) {
            String value = saved.containsKey(f.property()) ? saved.get(f.property())
                    : environment.getProperty(f.property(), "");
            if (!value.equals(effective.getProperty(f.property(), ""))) {
                next.setProperty(f.property(), value);
                changed.add(f.property());
            }
        }
        if (changed.isEmpty()) {
            return 0;
        }
        Settings settings = Settings.from(next);
        effective.clear();
        effective.putAll(next);
        for (String name : changed) {
            placeholders.addOverrideProperty(name, next.getProperty(name, ""));
        }
        runtime.apply(settings);
        return changed.size();
    }

    /** Seconds as an operator writes them: 0.016, not 0.016000000000000000333. */
    private static String seconds(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** A proxy as scheme://host:port, without its user and password. */
    static String proxyAddress(String url) {
        try {
            java.net.URI u = java.net.URI.create(url.trim());
            return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
        } catch (IllegalArgumentException e) {
            return "(not a URL)";
        }
    }

    private static List<String> changed(Map<String, String> changes, List<Field> resets) {
        List<String> out = new ArrayList<>(changes.keySet());
        resets.forEach(f -> out.add(f.property()));
        return out;
    }

    /** A JSON value as the text Settings parses: arrays and objects as JSON, the rest as written. */
    private String text(JsonNode v) {
        if (v == null || v.isNull()) {
            return "";
        }
        if (v.isArray() || v.isObject()) {
            return v.toString();
        }
        return v.asText().trim();
    }

    private static Field field(String name) {
        for (Field f : FIELDS) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }

    private static Field byProperty(String property) {
        for (Field f : FIELDS) {
            if (f.property().equals(property)) {
                return f;
            }
        }
        throw new IllegalArgumentException(property);
    }

    private JsonNode readBody(Exchange exchange) {
        return AdminReply.jsonObject(exchange, json, "Send a JSON object: {\"values\": {...}, \"reset\": [...]}");
    }

    private static Properties copy(Properties p) {
        Properties c = new Properties();
        c.putAll(p);
        return c;
    }
}
