package dev.caravan.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every environment variable gemini-balance reads (its configuration reference), each either honoured by Caravan or
 * deliberately not implemented with the reason, so that an operator who brings their {@code .env} is never left
 * guessing: start-up names, in one warning line, each variable that is set but has no effect here. The README's
 * configuration table lists the same names. Immutable; thread-safe.
 */
public final class GeminiBalanceVariables {

    /** What Caravan does with a variable. */
    public enum Status {
        /** Read, with gemini-balance's meaning (README says where Caravan's default or behaviour differs). */
        HONOURED,
        /** Not implemented on purpose; setting it changes nothing, and start-up says so. */
        NOT_IMPLEMENTED
    }

    /**
     * One variable: its status and, for one not implemented, why.
     *
     * @param onlyWith for a setting not implemented that only matters while a switch is on, that switch (its value is
     *                 then worth a warning only when the switch is on); else null
     */
    public record Variable(String name, Status status, String reason, String onlyWith) {

        /** Whether {@code value} turns a switch on, as gemini-balance reads booleans (True, 1, yes, on). */
        static boolean on(String value) {
            String v = value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT);
            return v.equals("true") || v.equals("1") || v.equals("yes") || v.equals("on");
        }

        /** Whether this value changes what gemini-balance would do: a switch set off, like its default, does not. */
        boolean matters(String value, Map<String, String> environment) {
            if (value == null || value.isBlank()) {
                return false;
            }
            if (onlyWith != null) {
                return on(environment.get(onlyWith));
            }
            String v = value.trim().toLowerCase(java.util.Locale.ROOT);
            return !(v.equals("false") || v.equals("0") || v.equals("no") || v.equals("off"));
        }
    }

    private static final Map<String, Variable> ALL = build();

    private GeminiBalanceVariables() {
    }

    private static Map<String, Variable> build() {
        Map<String, Variable> m = new LinkedHashMap<>();
        honoured(m, "DATABASE_TYPE", "SQLITE_DATABASE", "MYSQL_HOST", "MYSQL_PORT", "MYSQL_USER", "MYSQL_PASSWORD",
                "MYSQL_DATABASE");
        notImplemented(m, "MYSQL_SOCKET", "Caravan connects to MySQL over TCP (MYSQL_HOST, MYSQL_PORT): its driver has no"
                + " Unix-socket transport");
        honoured(m, "API_KEYS", "ALLOWED_TOKENS", "AUTH_TOKEN", "VERTEX_API_KEYS", "VERTEX_EXPRESS_BASE_URL", "BASE_URL",
                "CUSTOM_HEADERS", "MAX_FAILURES", "MAX_RETRIES", "TIME_OUT", "TEST_MODEL", "CHECK_INTERVAL_HOURS");
        // the retention's midnight and the admin page's times; unset, the JVM's zone rather than Asia/Shanghai
        honoured(m, "TIMEZONE");
        honoured(m, "PROXIES", "PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY");
        // only for paths no route serves, the model from the path or ?model= only
        honoured(m, "URL_NORMALIZATION_ENABLED");
        honoured(m, "SEARCH_MODELS", "IMAGE_MODELS", "FILTERED_MODELS", "TOOLS_CODE_EXECUTION_ENABLED",
                "URL_CONTEXT_ENABLED", "URL_CONTEXT_MODELS", "SHOW_SEARCH_LINK", "SHOW_THINKING_PROCESS",
                "THINKING_MODELS", "THINKING_BUDGET_MAP", "SAFETY_SETTINGS", "TTS_MODEL", "TTS_VOICE_NAME", "TTS_SPEED",
                "PAID_KEY", "CREATE_IMAGE_MODEL", "UPLOAD_PROVIDER", "SMMS_SECRET_TOKEN", "PICGO_API_KEY", "PICGO_API_URL",
                "CLOUDFLARE_IMGBED_URL", "CLOUDFLARE_IMGBED_AUTH_CODE", "CLOUDFLARE_IMGBED_UPLOAD_FOLDER");
        String oss = "UPLOAD_PROVIDER=aliyun_oss is refused at start: no shipped image-host route signs OSS requests"
                + " (a route of your own in custom-routes/ can; README \"Image hosts\")";
        for (String n : new String[] {"OSS_ENDPOINT", "OSS_ENDPOINT_INNER", "OSS_ACCESS_KEY", "OSS_ACCESS_KEY_SECRET",
                "OSS_BUCKET_NAME", "OSS_REGION"}) {
            notImplemented(m, n, oss);
        }
        honoured(m, "STREAM_OPTIMIZER_ENABLED", "STREAM_MIN_DELAY", "STREAM_MAX_DELAY", "STREAM_SHORT_TEXT_THRESHOLD",
                "STREAM_LONG_TEXT_THRESHOLD", "STREAM_CHUNK_SIZE");
        honoured(m, "FAKE_STREAM_ENABLED", "FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS", "LOG_LEVEL",
                "ERROR_LOG_RECORD_REQUEST_BODY", "AUTO_DELETE_ERROR_LOGS_ENABLED", "AUTO_DELETE_ERROR_LOGS_DAYS",
                "AUTO_DELETE_REQUEST_LOGS_ENABLED", "AUTO_DELETE_REQUEST_LOGS_DAYS", "FILES_CLEANUP_ENABLED",
                "FILES_CLEANUP_INTERVAL_HOURS", "FILES_USER_ISOLATION_ENABLED", "ADMIN_SESSION_EXPIRE");
        String github = "Caravan does not call GitHub to look for new releases: a gateway holding API keys makes no"
                + " calls of its own to third parties";
        notImplemented(m, "GITHUB_REPO_OWNER", github);
        notImplemented(m, "GITHUB_REPO_NAME", github);
        notImplemented(m, "ENABLE_TTS", "unused by gemini-balance too; speech is served when TTS_MODEL names a model");
        // Docker's TZ: the JVM's own zone, for the timestamps of log lines
        honoured(m, "TZ");
        return Collections.unmodifiableMap(m);
    }

    private static void honoured(Map<String, Variable> m, String... names) {
        for (String n : names) {
            m.put(n, new Variable(n, Status.HONOURED, null, null));
        }
    }

    private static void notImplemented(Map<String, Variable> m, String name, String reason) {
        m.put(name, new Variable(name, Status.NOT_IMPLEMENTED, reason, null));
    }

    private static void notImplemented(Map<String, Variable> m, String name, String reason, String onlyWith) {
        m.put(name, new Variable(name, Status.NOT_IMPLEMENTED, reason, onlyWith));
    }

    /** Every variable, in the order of gemini-balance's reference. */
    public static List<Variable> all() {
        return List.copyOf(ALL.values());
    }

    /** The variable of that name, or null when gemini-balance has none. */
    public static Variable get(String name) {
        return ALL.get(name);
    }

    /**
     * The variables set in {@code environment} that Caravan does not implement, in the reference's order; a switch
     * set off (as gemini-balance's default has it, and as Caravan behaves) and a setting of a switch that is off are
     * left out, since ignoring them changes nothing.
     */
    public static List<Variable> setButNotImplemented(Map<String, String> environment) {
        List<Variable> out = new ArrayList<>();
        for (Variable v : ALL.values()) {
            if (v.status() == Status.NOT_IMPLEMENTED && v.matters(environment.get(v.name()), environment)) {
                out.add(v);
            }
        }
        return out;
    }

    /**
     * The one start-up warning about them (names and reasons, never values), or null when there is nothing to say.
     */
    public static String warning(Map<String, String> environment) {
        List<Variable> ignored = setButNotImplemented(environment);
        if (ignored.isEmpty()) {
            return null;
        }
        Map<String, List<String>> byReason = new LinkedHashMap<>();
        for (Variable v : ignored) {
            byReason.computeIfAbsent(v.reason(), r -> new ArrayList<>()).add(v.name());
        }
        StringBuilder line = new StringBuilder("gemini-balance settings that Caravan does not implement are set and have"
                + " no effect (README \"Configuration\"): ");
        boolean first = true;
        for (Map.Entry<String, List<String>> e : byReason.entrySet()) {
            line.append(first ? "" : "; ").append(String.join(", ", e.getValue())).append(" (").append(e.getKey())
                    .append(')');
            first = false;
        }
        return line.toString();
    }
}
