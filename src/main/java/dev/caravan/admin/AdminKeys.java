package dev.caravan.admin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.Evidence;
import dev.caravan.keys.KeyEntry;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.KeyState;
import dev.caravan.keys.Project;
import dev.caravan.storage.ApiKeyStore;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The Keys view: the pool as a table that is searched, filtered, sorted and paged here, on the server, so the page
 * stays fast with 10,000 keys; and the operator's actions on keys (reset, disable, enable, delete; verify runs
 * through its route with {@link AdminKeyCheck}), and adding keys pasted as any text. Every change goes to the
 * running pool at once; keys added or deleted are also written to the {@code api_keys} table so they survive a
 * restart, and key health is saved by the pool's own listener. Answers name keys by fingerprint and mask, never
 * by the key. Thread-safe.
 */
public final class AdminKeys {

    /** What {@link #prepareAction} found, for the beans of the key-actions route (routes read {@link #verifying}). */
    static final String ACTION = "caravanAdminAction";
    public static final String TARGETS = "caravanAdminTargets";
    static final int MAX_PAGE_SIZE = 500;
    static final int MAX_VERIFY = 1_000;

    private static final Set<String> ACTIONS = Set.of("verify", "reset", "disable", "enable", "delete", "project");
    /** The project an action "project" puts its keys in ("" for a project of their own). */
    static final String PROJECT = "caravanAdminProject";
    /** The actions on the Vertex pool's keys, which come from VERTEX_API_KEYS only: neither added nor deleted here. */
    public static final Set<String> HEALTH_ACTIONS = Set.of("verify", "reset", "disable", "enable");

    private final KeyRoundRobin pool;
    private final ApiKeyStore store;
    private final KeyExtractor extractor;
    private final ObjectMapper json;
    private final LongSupplier clock;
    private final Set<String> actions;

    public AdminKeys(KeyRoundRobin pool, ApiKeyStore store, KeyExtractor extractor, ObjectMapper json, LongSupplier clock) {
        this(pool, store, extractor, json, clock, ACTIONS);
    }

    /** @param actions the actions this pool's view takes (a subset of verify, reset, disable, enable, delete) */
    public AdminKeys(KeyRoundRobin pool, ApiKeyStore store, KeyExtractor extractor, ObjectMapper json, LongSupplier clock,
                     Set<String> actions) {
        this.pool = pool;
        this.store = store;
        this.extractor = extractor;
        this.json = json;
        this.clock = clock;
        this.actions = actions;
    }

    /** A filter of the table, as the query string gives it. */
    record Query(String q, String state, String sort, boolean descending, int page, int size) {
    }

    /**
     * {@code GET /admin/api/keys?q=&state=&sort=&dir=&page=&size=}: one page of the table. {@code q} matches a
     * fingerprint, a mask, a reason, a model being cooled, or a whole key pasted into the search (by its
     * fingerprint); {@code state} is active, cooling, invalid, suspended, disabled, operator or all.
     */
    public void list(Exchange exchange) {
        Message msg = exchange.getMessage();
        Query query = new Query(text(msg, "q"), text(msg, "state"), text(msg, "sort"),
                "desc".equalsIgnoreCase(text(msg, "dir")), number(msg, "page", 1, 1, Integer.MAX_VALUE),
                number(msg, "size", 50, 1, MAX_PAGE_SIZE));
        AdminReply.json(exchange, json, 200, page(query));
    }

    Map<String, Object> page(Query query) {
        long now = clock.getAsLong();
        long today = pool.today();
        List<ApiKey> all = pool.keys();
        List<ApiKey> matching = filter(all, query.q(), query.state(), now);
        Comparator<ApiKey> order = order(query.sort(), matching, now, today);
        if (query.descending()) {
            order = order.reversed();
        }
        // ties keep the pool's order, so a page is stable from one refresh to the next
        matching.sort(order);
        int total = matching.size();
        int pages = Math.max(1, (total + query.size() - 1) / query.size());
        int page = Math.min(query.page(), pages);
        int from = (page - 1) * query.size();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ApiKey k : matching.subList(Math.min(from, total), Math.min(from + query.size(), total))) {
            rows.add(row(k, now, today));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("now", now);
        out.put("total", total);
        out.put("poolSize", all.size());
        out.put("page", page);
        out.put("pages", pages);
        out.put("size", query.size());
        out.put("maxFailures", pool.maxFailures());
        out.put("keys", rows);
        out.put("projects", projects(now));
        return out;
    }

    private List<ApiKey> filter(List<ApiKey> all, String q, String state, long now) {
        String needle = q == null ? "" : q.trim().toLowerCase(Locale.ROOT);
        // a whole key pasted into the search finds its row without the key ever being shown
        String pasted = needle.length() > 20 ? pool.fingerprints().of(q.trim()) : null;
        String st = state == null || state.isBlank() ? "all" : state.toLowerCase(Locale.ROOT);
        List<ApiKey> out = new ArrayList<>();
        for (ApiKey k : all) {
            if (!inState(k, st, now)) {
                continue;
            }
            if (!needle.isEmpty() && !matches(k, needle, pasted)) {
                continue;
            }
            out.add(k);
        }
        return out;
    }

    private static boolean inState(ApiKey k, String st, long now) {
        return switch (st) {
            case "all" -> true;
            case "active" -> k.state() == KeyState.ACTIVE && cooldownUntil(k, now) == 0;
            case "cooling" -> k.state() == KeyState.ACTIVE && cooldownUntil(k, now) > 0;
            case "invalid" -> k.state() == KeyState.INVALID;
            case "suspended" -> k.state() == KeyState.SUSPENDED;
            case "disabled" -> k.state() == KeyState.DISABLED;
            case "operator" -> k.manuallyDisabled();
            case "out" -> k.state() != KeyState.ACTIVE;
            default -> throw AdminError.badRequest("Unknown state filter '" + st
                    + "': use all, active, cooling, invalid, suspended, disabled, operator or out");
        };
    }

    private static boolean matches(ApiKey k, String needle, String pastedFingerprint) {
        if (k.fingerprint().equals(pastedFingerprint) || k.fingerprint().contains(needle)
                || k.mask().toLowerCase(Locale.ROOT).contains(needle)
                || k.state().name().toLowerCase(Locale.ROOT).contains(needle)) {
            return true;
        }
        Evidence ev = k.evidence();
        if (ev != null && (contains(ev.reason(), needle) || contains(ev.quotaId(), needle))) {
            return true;
        }
        for (String model : k.cooldowns().keySet()) {
            if (contains(model, needle)) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(String s, String needle) {
        return s != null && s.toLowerCase(Locale.ROOT).contains(needle);
    }

    /** The table's order; numeric sort keys are computed once per key, not once per comparison. */
    private static Comparator<ApiKey> order(String sort, List<ApiKey> keys, long now, long today) {
        String s = sort == null || sort.isBlank() ? "pool" : sort;
        if (s.equals("pool")) {
            return (a, b) -> 0;
        }
        if (s.equals("fingerprint")) {
            return Comparator.comparing(ApiKey::fingerprint);
        }
        java.util.function.ToLongFunction<ApiKey> f = switch (s) {
            case "state" -> k -> k.state().ordinal() * 2L + (cooldownUntil(k, now) > 0 ? 1 : 0);
            case "strikes" -> ApiKey::strikes;
            case "project" -> k -> k.project().own() ? Long.MAX_VALUE : k.project().name().hashCode();
            case "lastUsed" -> ApiKey::lastUsedMillis;
            case "cooldown" -> k -> cooldownUntil(k, now);
            case "changed" -> k -> k.evidence() == null ? 0 : k.evidence().atMillis();
            case "usage" -> k -> total(k.usageOn(today));
            default -> throw AdminError.badRequest("Unknown sort '" + s
                    + "': use pool, fingerprint, state, strikes, lastUsed, cooldown, changed or usage");
        };
        Map<ApiKey, Long> sortKeys = new java.util.IdentityHashMap<>(keys.size() * 2);
        for (ApiKey k : keys) {
            sortKeys.put(k, f.applyAsLong(k));
        }
        return Comparator.comparingLong(sortKeys::get);
    }

    /** The latest deadline of the key's live cool-downs, or 0. */
    private static long cooldownUntil(ApiKey k, long now) {
        long until = 0;
        for (ApiKey.Cooldown c : k.cooldowns().values()) {
            if (c.untilMillis() > now) {
                until = Math.max(until, c.untilMillis());
            }
        }
        // a quota pause of the key's project keeps every key of it out (issue 14)
        for (ApiKey.Cooldown c : k.project().cooldowns().values()) {
            if (c.untilMillis() > now) {
                until = Math.max(until, c.untilMillis());
            }
        }
        return until;
    }

    /** Keys in one project add no capacity: projects of this many keys or more are warned about. */
    static final int SHARED_PROJECT_WARNING = 3;

    /** The projects with more than one key, and a warning for those with many (issue 14). */
    private List<Map<String, Object>> projects(long now) {
        List<Map<String, Object>> out = new ArrayList<>();
        pool.sharedProjects().forEach((name, keys) -> {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", name);
            p.put("keys", keys.size());
            p.put("fingerprints", keys.stream().limit(100).map(ApiKey::fingerprint).toList());
            List<Map<String, Object>> cooling = new ArrayList<>();
            keys.get(0).project().cooldowns().forEach((model, c) -> {
                if (c.untilMillis() > now) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("model", model.isEmpty() ? null : model);
                    m.put("until", c.untilMillis());
                    m.put("evidence", evidence(c.evidence()));
                    cooling.add(m);
                }
            });
            p.put("cooldowns", cooling);
            if (keys.size() >= SHARED_PROJECT_WARNING) {
                p.put("warning", keys.size() + " keys share the budget of project " + name
                        + ": together they serve no more than one key of it would");
            }
            out.add(p);
        });
        return out;
    }

    private static long total(Map<String, Long> usage) {
        long n = 0;
        for (long v : usage.values()) {
            n += v;
        }
        return n;
    }

    private Map<String, Object> row(ApiKey k, long now, long today) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("fingerprint", k.fingerprint());
        r.put("mask", k.mask());
        r.put("state", k.state().name());
        r.put("operatorDisabled", k.manuallyDisabled());
        r.put("strikes", k.strikes());
        r.put("lastUsed", k.lastUsedMillis() == 0 ? null : k.lastUsedMillis());
        r.put("evidence", evidence(k.evidence()));
        // issue 14: the key's project, where that came from and why
        r.put("project", k.project().own() ? null : k.project().name());
        r.put("projectSource", k.projectSource().name());
        r.put("projectEvidence", k.projectEvidence());
        List<Map<String, Object>> cooldowns = new ArrayList<>();
        k.cooldowns().entrySet().stream()
                .filter(e -> e.getValue().untilMillis() > now)
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> {
                    Map<String, Object> c = new LinkedHashMap<>();
                    c.put("model", e.getKey().isEmpty() ? null : e.getKey());
                    c.put("until", e.getValue().untilMillis());
                    c.put("kind", e.getValue().kind().name());
                    c.put("evidence", evidence(e.getValue().evidence()));
                    cooldowns.add(c);
                });
        r.put("cooldowns", cooldowns);
        long until = cooldownUntil(k, now);
        r.put("cooldownUntil", until == 0 ? null : until);
        Map<String, Long> usage = k.usageOn(today);
        Map<String, Long> named = new LinkedHashMap<>();
        usage.forEach((m, n) -> named.put(m.isEmpty() ? "(no model)" : m, n));
        r.put("usageToday", named);
        r.put("usedToday", total(usage));
        return r;
    }

    private static Map<String, Object> evidence(Evidence ev) {
        if (ev == null) {
            return null;
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("status", ev.status());
        e.put("reason", ev.reason());
        e.put("quotaId", ev.quotaId());
        e.put("at", ev.atMillis());
        return e;
    }

    /**
     * {@code POST /admin/api/keys} with {@code {"text": "..."}}: adds every key found in the text that the pool
     * does not have yet, and reports what was added (by fingerprint and mask), what the pool already had, and
     * how many repeats the text held.
     */
    public void add(Exchange exchange) {
        JsonNode body = body(exchange);
        String text = body.path("text").asText("");
        KeyExtractor.Found found = extractor.extract(text);
        Set<String> inPool = new HashSet<>();
        for (ApiKey k : pool.keys()) {
            inPool.add(k.secret());
        }
        List<String> fresh = new ArrayList<>();
        List<Map<String, Object>> duplicates = new ArrayList<>();
        for (String s : found.keys()) {
            KeyEntry entry = KeyEntry.parse(s);
            if (inPool.contains(entry.secret())) {
                String fp = pool.fingerprints().of(entry.secret());
                duplicates.add(Map.of("fingerprint", fp, "mask", pool.fingerprints().mask(entry.secret())));
                ApiKey had = entry.project() == null ? null : pool.byFingerprint(fp);
                if (had != null) {
                    // a key pasted again with @project: the operator names its project
                    pool.assignProject(had, entry.project(), Project.Source.OPERATOR, "pasted with @" + entry.project());
                }
            } else {
                fresh.add(s);
            }
        }
        List<ApiKey> added = fresh.isEmpty() ? List.of() : pool.add(fresh);
        if (!added.isEmpty()) {
            store.added(added.stream().map(ApiKey::secret).toList());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("found", found.keys().size());
        out.put("added", added.stream().map(k -> Map.of("fingerprint", k.fingerprint(), "mask", k.mask())).toList());
        out.put("duplicates", duplicates);
        out.put("repeatedInText", found.repeated());
        out.put("poolSize", pool.size());
        AdminReply.json(exchange, json, 200, out);
    }

    /**
     * {@code POST /admin/api/keys/actions} with {@code {"action": "...", "fingerprints": [...]}}: notes the action
     * and the keys it applies to for the route (verify goes through camel-http, the others to {@link #act}).
     */
    public void prepareAction(Exchange exchange) {
        JsonNode body = body(exchange);
        String action = body.path("action").asText("");
        if (!actions.contains(action)) {
            throw AdminError.badRequest("Unknown action '" + action + "': use " + (actions == ACTIONS
                    ? "verify, reset, disable, enable, delete or project" : String.join(", ", actions.stream().sorted().toList())));
        }
        JsonNode fps = body.path("fingerprints");
        if (!fps.isArray() || fps.isEmpty()) {
            throw AdminError.badRequest("Name the keys: \"fingerprints\": [\"...\"]");
        }
        Map<String, ApiKey> byFingerprint = new HashMap<>();
        for (ApiKey k : pool.keys()) {
            byFingerprint.put(k.fingerprint(), k);
        }
        List<ApiKey> targets = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode n : fps) {
            String fp = n.asText("");
            if (!seen.add(fp)) {
                continue;
            }
            ApiKey k = byFingerprint.get(fp);
            if (k == null) {
                unknown.add(fp.matches("[0-9a-f]{1,16}") ? fp : "?");
            } else {
                targets.add(k);
            }
        }
        if ("verify".equals(action) && targets.size() > MAX_VERIFY) {
            throw AdminError.badRequest("Verify at most " + MAX_VERIFY + " keys at a time");
        }
        if ("project".equals(action)) {
            // the operator's word on which Google Cloud project the keys share a budget in (README "Quotas")
            String project = body.path("project").asText("").trim();
            if (!body.path("project").isTextual() || (!project.isEmpty() && !KeyEntry.validProject(project))) {
                throw AdminError.badRequest("Name the project: \"project\": \"proj-a\" (letters, digits, ._:/- up to 128),"
                        + " or \"\" for a project of each key's own");
            }
            exchange.setProperty(PROJECT, project);
        }
        exchange.setProperty(ACTION, action);
        exchange.setProperty(TARGETS, new Targets(targets, unknown));
        exchange.getMessage().setBody(targets);
    }

    /** Whether the action {@link #prepareAction} found is a verify, which asks Google (the route's choice). */
    public boolean verifying(Exchange exchange) {
        return "verify".equals(exchange.getProperty(ACTION, String.class));
    }

    /** The keys an action applies to, and the fingerprints that named no key. */
    public record Targets(List<ApiKey> keys, List<String> unknown) {
    }

    /** Reset, disable, enable or delete the keys {@link #prepareAction} found. */
    public void act(Exchange exchange) {
        String action = exchange.getProperty(ACTION, String.class);
        Targets t = exchange.getProperty(TARGETS, Targets.class);
        long now = clock.getAsLong();
        List<String> done = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        switch (action) {
            case "reset" -> t.keys().forEach(k -> {
                pool.reset(k);
                done.add(k.fingerprint());
            });
            case "disable" -> t.keys().forEach(k -> {
                pool.disable(k, new Evidence(0, "OPERATOR_DISABLED", null, now));
                done.add(k.fingerprint());
            });
            case "enable" -> t.keys().forEach(k -> {
                if (pool.enable(k, new Evidence(0, "OPERATOR_ENABLED", null, now))) {
                    done.add(k.fingerprint());
                } else {
                    skipped.add(k.fingerprint());
                }
            });
            case "project" -> {
                String project = exchange.getProperty(PROJECT, String.class);
                t.keys().forEach(k -> {
                    if (pool.assignProject(k, project, Project.Source.OPERATOR, "set on the admin page")
                            || (!project.isEmpty() && k.project().name().equals(project))) {
                        done.add(k.fingerprint());
                    } else {
                        skipped.add(k.fingerprint());
                    }
                });
            }
            case "delete" -> {
                List<ApiKey> removed = pool.remove(t.keys());
                removed.forEach(k -> done.add(k.fingerprint()));
                if (!removed.isEmpty()) {
                    store.deleted(done);
                }
            }
            default -> throw AdminError.badRequest("Unknown action " + action);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("action", action);
        out.put("done", done);
        out.put("skipped", skipped);
        if ("enable".equals(action) && !skipped.isEmpty()) {
            out.put("note", "Only keys an operator disabled can be enabled; reset the others");
        }
        out.put("unknown", t.unknown());
        out.put("poolSize", pool.size());
        AdminReply.json(exchange, json, 200, out);
    }

    private JsonNode body(Exchange exchange) {
        return AdminReply.jsonObject(exchange, json, "Send a JSON object");
    }

    static String text(Message msg, String name) {
        String v = msg.getHeader(name, String.class);
        return v == null || v.isBlank() ? null : v.trim();
    }

    static int number(Message msg, String name, int dflt, int min, int max) {
        String v = text(msg, name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw AdminError.badRequest(name + " must be from " + min + " to " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw AdminError.badRequest(name + " must be a whole number");
        }
    }
}
