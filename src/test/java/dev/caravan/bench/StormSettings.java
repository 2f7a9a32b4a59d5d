package dev.caravan.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The storm benchmark's knobs (bench/README.md "Storm benchmark"), read from {@code STORM_*} environment variables so
 * that they never collide with the gateway's own settings in the same shell. Time runs on a compressed clock: a
 * "minute" of Google's per-minute quotas lasts {@link #minuteMillis}, a "day" {@link #dayMillis} (0: the day outlasts
 * the run). Immutable.
 *
 * @param projects        Google Cloud projects of the pool
 * @param keysPerProject  API keys in each project; they share the project's quotas, as Google's do
 * @param minuteMillis    the compressed minute: the length of a per-minute quota window
 * @param dayMillis       the compressed day (a per-day quota window), or 0 for a day longer than the run
 * @param models          the models asked for and each one's per-project limits
 * @param minutes         the run's length in compressed minutes
 * @param overload        demand over capacity: 2 asks twice what the pool's per-minute limits allow
 * @param spreadPhases    projects' minute windows start at staggered times (as windows that began with each project's
 *                        own first call do); false: every window starts together
 * @param grouped         API_KEYS lists a project's keys next to each other (false: interleaved across projects)
 * @param declareProjects API_KEYS entries say {@code key@project-name}
 * @param clients         client tokens the load rotates over
 * @param promptChars     the size of the prompt's text, which sets the input tokens the stub counts (chars / 4)
 * @param clientTimeoutMillis a client's own deadline
 */
public record StormSettings(int projects, int keysPerProject, long minuteMillis, long dayMillis, List<Model> models,
                            int minutes, double overload, boolean spreadPhases, boolean grouped, boolean declareProjects,
                            int clients, int promptChars, long clientTimeoutMillis) {

    /**
     * A model's limits per project, as Google's free tier sets them.
     *
     * @param rpm requests per (compressed) minute
     * @param rpd requests per (compressed) day; 0: none
     * @param tpm input tokens per (compressed) minute; 0: none
     */
    public record Model(String name, int rpm, int rpd, long tpm) {
    }

    public StormSettings {
        if (projects < 1 || keysPerProject < 1 || minuteMillis < 100 || models.isEmpty() || minutes < 1
                || overload <= 0 || clients < 1 || promptChars < 1 || dayMillis < 0) {
            throw new IllegalArgumentException("storm settings out of range: " + this);
        }
        models = List.copyOf(models);
    }

    /** The storm: 100 keys in 25 projects, 5 requests per minute and 20 per day on gemini-2.5-flash. */
    public static StormSettings fromEnvironment(Map<String, String> env) {
        return new StormSettings(
                integer(env, "STORM_PROJECTS", 25),
                integer(env, "STORM_KEYS_PER_PROJECT", 4),
                Math.round(decimal(env, "STORM_MINUTE_SECONDS", 10) * 1000),
                Math.round(decimal(env, "STORM_DAY_SECONDS", 0) * 1000),
                models(env.getOrDefault("STORM_MODELS", "gemini-2.5-flash=5/20,gemini-2.5-flash-lite=10/1000")),
                integer(env, "STORM_MINUTES", 12),
                decimal(env, "STORM_OVERLOAD", 2),
                !"aligned".equalsIgnoreCase(env.getOrDefault("STORM_PHASES", "spread")),
                !"interleaved".equalsIgnoreCase(env.getOrDefault("STORM_KEY_ORDER", "grouped")),
                "1".equals(env.getOrDefault("STORM_DECLARE_PROJECTS", "0")),
                integer(env, "STORM_CLIENTS", 3),
                integer(env, "STORM_PROMPT_CHARS", 400),
                Math.round(decimal(env, "STORM_CLIENT_TIMEOUT_SECONDS", 60) * 1000));
    }

    /** {@code name=rpm/rpd[/tpm],...}, e.g. {@code gemini-2.5-flash=5/20}. */
    static List<Model> models(String spec) {
        List<Model> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            String[] nameLimits = p.split("=", 2);
            String[] limits = nameLimits.length == 2 ? nameLimits[1].split("/") : new String[0];
            if (limits.length < 2 || limits.length > 3 || !nameLimits[0].matches("[a-z0-9.-]{1,64}")) {
                throw new IllegalArgumentException("STORM_MODELS: '" + p + "' is not name=rpm/rpd[/tpm]");
            }
            out.add(new Model(nameLimits[0], Integer.parseInt(limits[0].trim()), Integer.parseInt(limits[1].trim()),
                    limits.length == 3 ? Long.parseLong(limits[2].trim()) : 0));
        }
        return out;
    }

    public long runMillis() {
        return minutes * minuteMillis;
    }

    public int keys() {
        return projects * keysPerProject;
    }

    /** The input tokens the stub counts for one of the load's requests (its body's characters / 4, rounded up). */
    public long promptTokens() {
        return (StormLoad.body(promptChars).length() + 3) / 4;
    }

    /** The requests one project may serve for {@code m} in one minute window, per-minute tokens included. */
    public int perMinute(Model m) {
        long byTokens = m.tpm() > 0 ? m.tpm() / promptTokens() : Integer.MAX_VALUE;
        return (int) Math.min(m.rpm(), byTokens);
    }

    /** The load's rate for {@code m}, requests per second: the pool's per-minute capacity times the overload. */
    public double ratePerSecond(Model m) {
        return overload * projects * perMinute(m) * 1000.0 / minuteMillis;
    }

    /** When project {@code p}'s minute windows start, relative to a window of the clock's origin. */
    public long phaseMillis(int project) {
        return spreadPhases ? project * minuteMillis / projects : 0;
    }

    /** Project {@code p}'s minute window at {@code t} (ms on the stub's clock). */
    public long window(int p, long t) {
        return Math.floorDiv(t + phaseMillis(p), minuteMillis);
    }

    /** When project {@code p}'s minute window {@code window} starts. */
    public long windowStart(int p, long window) {
        return window * minuteMillis - phaseMillis(p);
    }

    /** The day at {@code t}: the same for every project, as Google's midnight is. */
    public long day(long t) {
        return dayMillis == 0 ? 0 : Math.floorDiv(t, dayMillis);
    }

    /** When day {@code day} ends; never when the day outlasts the run. */
    public long dayEnd(long day) {
        return dayMillis == 0 ? Long.MAX_VALUE : (day + 1) * dayMillis;
    }

    /** The settings as the results file shows them, in their environment names. */
    public Map<String, String> asEnvironment() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("STORM_PROJECTS", String.valueOf(projects));
        m.put("STORM_KEYS_PER_PROJECT", String.valueOf(keysPerProject));
        m.put("STORM_MINUTE_SECONDS", seconds(minuteMillis));
        m.put("STORM_DAY_SECONDS", seconds(dayMillis));
        StringBuilder spec = new StringBuilder();
        for (Model model : models) {
            spec.append(spec.length() == 0 ? "" : ",").append(model.name()).append('=').append(model.rpm()).append('/')
                    .append(model.rpd()).append(model.tpm() > 0 ? "/" + model.tpm() : "");
        }
        m.put("STORM_MODELS", spec.toString());
        m.put("STORM_MINUTES", String.valueOf(minutes));
        m.put("STORM_OVERLOAD", String.valueOf(overload));
        m.put("STORM_PHASES", spreadPhases ? "spread" : "aligned");
        m.put("STORM_KEY_ORDER", grouped ? "grouped" : "interleaved");
        m.put("STORM_DECLARE_PROJECTS", declareProjects ? "1" : "0");
        m.put("STORM_CLIENTS", String.valueOf(clients));
        m.put("STORM_PROMPT_CHARS", String.valueOf(promptChars));
        m.put("STORM_CLIENT_TIMEOUT_SECONDS", seconds(clientTimeoutMillis));
        return m;
    }

    static String seconds(long millis) {
        return millis % 1000 == 0 ? String.valueOf(millis / 1000) : String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }

    private static int integer(Map<String, String> env, String name, int dflt) {
        String v = env.get(name);
        try {
            return v == null || v.isBlank() ? dflt : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + v + "'");
        }
    }

    private static double decimal(Map<String, String> env, String name, double dflt) {
        String v = env.get(name);
        try {
            return v == null || v.isBlank() ? dflt : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, not '" + v + "'");
        }
    }
}
