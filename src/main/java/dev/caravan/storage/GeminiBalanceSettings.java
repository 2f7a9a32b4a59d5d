package dev.caravan.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.config.InvalidSettingException;
import dev.caravan.config.Settings;
import dev.caravan.keys.KeyFingerprint;

/**
 * gemini-balance's {@code t_settings} as Caravan's own rows, merged with the environment as gemini-balance merges them:
 * its database wins over the environment for every setting but DATABASE_TYPE (reference §5.4). So a value there that
 * differs from the environment becomes a row of Caravan's {@code settings} table (which wins over the environment in
 * Caravan too, and which the admin page can reset), API_KEYS becomes the pool (keys of the environment that
 * gemini-balance's list lacks were deleted in its UI, and stay deleted here: a tombstone in {@code api_keys}, undone by
 * adding the key again on the admin page), and ALLOWED_TOKENS and AUTH_TOKEN carry over as settings. Every value is
 * checked by the same rules as at start ({@link Settings}); one Caravan cannot use is left out, with the reason.
 * A row Caravan already saved for a setting wins over gemini-balance's. Not thread-safe; used once at start.
 */
public final class GeminiBalanceSettings implements GeminiBalanceImport.Source {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> propertyOfVariable;
    private final Properties environment;
    private final Set<String> startOnly;
    private final List<String> environmentKeys;
    private final KeyFingerprint fingerprints;

    /**
     * @param propertyOfVariable gemini-balance's variable name → the caravan.* property it sets (from the placeholders
     *                           of application.properties)
     * @param environment        the resolved caravan.* properties without the settings table
     * @param startOnly          properties a settings row cannot change (the database's own, the port, ...)
     * @param environmentKeys    API_KEYS of the environment
     */
    public GeminiBalanceSettings(Map<String, String> propertyOfVariable, Properties environment, Set<String> startOnly,
                                 List<String> environmentKeys, KeyFingerprint fingerprints) {
        this.propertyOfVariable = Map.copyOf(propertyOfVariable);
        this.environment = environment;
        this.startOnly = Set.copyOf(startOnly);
        this.environmentKeys = List.copyOf(environmentKeys);
        this.fingerprints = fingerprints;
    }

    @Override
    public String table() {
        return "t_settings";
    }

    @Override
    public Map<String, Object> importFrom(Connection c, long now) throws SQLException {
        Map<String, String> rows = readSettings(c);
        Map<String, String> saved = caravanRows(c);
        Properties trial = new Properties();
        trial.putAll(environment);
        saved.forEach((name, value) -> {
            if (environment.containsKey(name) && !startOnly.contains(name)) {
                trial.setProperty(name, value);
            }
        });

        List<String> taken = new ArrayList<>();
        List<String> same = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        List<String> startOnlyNames = new ArrayList<>();
        List<String> notUsed = new ArrayList<>();
        Map<String, String> refused = new TreeMap<>();
        Map<String, Object> keys = null;
        int tokens = -1;
        for (Map.Entry<String, String> row : rows.entrySet()) {
            String variable = row.getKey();
            String raw = row.getValue() == null ? "" : row.getValue();
            if (variable.equals("API_KEYS")) {
                keys = importKeys(c, raw, now);
                continue;
            }
            String property = propertyOfVariable.get(variable);
            if (variable.equals("DATABASE_TYPE") || property != null && startOnly.contains(property)) {
                // gemini-balance never reads DATABASE_TYPE from its table, and a connection's settings come before it
                startOnlyNames.add(variable);
                continue;
            }
            if (property == null || !environment.containsKey(property)) {
                notUsed.add(variable);
                continue;
            }
            if (saved.containsKey(property)) {
                kept.add(variable);
                continue;
            }
            String value = normalised(raw);
            if (sameValue(value, environment.getProperty(property, ""))) {
                same.add(variable);
                continue;
            }
            Properties candidate = new Properties();
            candidate.putAll(trial);
            candidate.setProperty(property, value);
            try {
                Settings.from(candidate);
            } catch (InvalidSettingException e) {
                // the problem is worded without the value, which may be a secret
                refused.put(variable, property.equals(e.property()) ? e.problem()
                        : "does not fit with " + e.variable() + ": " + e.problem());
                continue;
            }
            insertSetting(c, property, value, now);
            trial.setProperty(property, value);
            taken.add(variable);
            if (variable.equals("ALLOWED_TOKENS")) {
                tokens = Settings.from(candidate).allowedTokens().size();
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("rows", rows.size());
        summary.put("keys", keys == null ? Map.of("inTable", false) : keys);
        if (tokens >= 0) {
            summary.put("allowedTokens", tokens);
        }
        summary.put("settings", taken);
        summary.put("sameAsEnvironment", same);
        summary.put("keptCaravansOwn", kept);
        summary.put("refused", refused);
        summary.put("readAtStartOnly", startOnlyNames);
        summary.put("notUsedByCaravan", notUsed);
        return summary;
    }

    @Override
    public String describe(Map<String, Object> s) {
        StringBuilder b = new StringBuilder();
        Object keys = s.get("keys");
        if (keys instanceof Map<?, ?> k && Boolean.TRUE.equals(k.get("inTable"))) {
            b.append(k.get("taken")).append(" key(s) into the pool, ").append(k.get("leftOut"))
                    .append(" of API_KEYS left out (gemini-balance's list lacks them); ");
        }
        b.append("settings taken over: ").append(names(s.get("settings")));
        b.append("; same as the environment: ").append(count(s.get("sameAsEnvironment")));
        if (!isEmpty(s.get("keptCaravansOwn"))) {
            b.append("; Caravan's own saved value kept for: ").append(names(s.get("keptCaravansOwn")));
        }
        if (s.get("refused") instanceof Map<?, ?> r && !r.isEmpty()) {
            List<String> why = new ArrayList<>();
            r.forEach((name, reason) -> why.add(name + " (" + reason + ")"));
            b.append("; left out: ").append(String.join(", ", why));
        }
        b.append("; read from the environment only: ").append(names(s.get("readAtStartOnly")));
        b.append("; not used by Caravan: ").append(names(s.get("notUsedByCaravan")));
        return b.toString();
    }

    /**
     * API_KEYS of gemini-balance's table: the pool it served. Its keys join the pool (api_keys rows); keys of the
     * environment it lacks are tombstoned, as they were deleted there. A key Caravan already has a row for keeps it.
     */
    private Map<String, Object> importKeys(Connection c, String raw, long now) throws SQLException {
        List<String> list = listOf(raw);
        Set<String> inTable = new LinkedHashSet<>(list);
        Set<String> known = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT key_fingerprint FROM api_keys");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                known.add(rs.getString(1));
            }
        }
        int taken = 0;
        int alreadyKnown = 0;
        int leftOut = 0;
        try (PreparedStatement ins = c.prepareStatement(
                "INSERT INTO api_keys (key_fingerprint, api_key, deleted, updated_at_ms) VALUES (?, ?, ?, ?)")) {
            for (String key : inTable) {
                String fp = fingerprints.of(key);
                if (known.contains(fp)) {
                    alreadyKnown++;
                    continue;
                }
                known.add(fp);
                ins.setString(1, fp);
                ins.setString(2, key);
                ins.setBoolean(3, false);
                ins.setLong(4, now);
                ins.executeUpdate();
                taken++;
            }
            for (String key : environmentKeys) {
                String fp = fingerprints.of(key);
                if (inTable.contains(key) || known.contains(fp)) {
                    continue;
                }
                known.add(fp);
                ins.setString(1, fp);
                ins.setNull(2, java.sql.Types.VARCHAR);
                ins.setBoolean(3, true);
                ins.setLong(4, now);
                ins.executeUpdate();
                leftOut++;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("inTable", true);
        out.put("listed", inTable.size());
        out.put("taken", taken);
        out.put("alreadyInCaravan", alreadyKnown);
        out.put("leftOut", leftOut);
        return out;
    }

    /** gemini-balance's rows, by variable name ({@code key} is a reserved word in MySQL: read by column label). */
    private static Map<String, String> readSettings(Connection c) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM t_settings");
             ResultSet rs = ps.executeQuery()) {
            Map<String, Integer> columns = new HashMap<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                columns.put(rs.getMetaData().getColumnLabel(i).toLowerCase(Locale.ROOT), i);
            }
            Integer keyColumn = columns.get("key");
            Integer valueColumn = columns.get("value");
            if (keyColumn == null || valueColumn == null) {
                throw new SQLException("t_settings has no key and value columns: not gemini-balance's table");
            }
            while (rs.next()) {
                String name = rs.getString(keyColumn);
                if (name != null && !name.isBlank()) {
                    out.put(name.trim(), rs.getString(valueColumn));
                }
            }
        }
        return new TreeMap<>(out);
    }

    private static Map<String, String> caravanRows(Connection c) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT setting_name, setting_value FROM settings");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    private static void insertSetting(Connection c, String property, String value, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO settings (setting_name, setting_value, updated_at_ms) VALUES (?, ?, ?)")) {
            ps.setString(1, property);
            ps.setString(2, value);
            ps.setLong(3, now);
            ps.executeUpdate();
        }
    }

    /**
     * A value of gemini-balance's table in the form Caravan's parsers read: its dictionaries may have been saved with
     * Python's single quotes, which gemini-balance itself accepts from its table.
     */
    static String normalised(String raw) {
        String v = raw.trim();
        if (v.startsWith("{") && json(v) == null) {
            String quoted = v.replace('\'', '"');
            if (json(quoted) != null) {
                return quoted;
            }
        }
        return v;
    }

    /** Whether two texts give the same setting: lists as lists, JSON as JSON, numbers as numbers, booleans in any case. */
    static boolean sameValue(String a, String b) {
        return canonical(a).equals(canonical(b));
    }

    private static Object canonical(String raw) {
        String v = raw == null ? "" : raw.trim();
        // an empty value and an empty list both mean "none"
        if (v.isEmpty() || v.startsWith("[") || v.contains(",") && !v.startsWith("{")) {
            return listOf(v);
        }
        if (v.startsWith("{")) {
            JsonNode n = json(v);
            if (n != null) {
                return n;
            }
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return v.toLowerCase(Locale.ROOT);
        }
        try {
            return new BigDecimal(v).stripTrailingZeros();
        } catch (NumberFormatException notANumber) {
            // tokens and model names are case-sensitive
            return v;
        }
    }

    /** A JSON array of strings or a comma list, as Settings reads lists; an unreadable array as its text. */
    static List<String> listOf(String raw) {
        String v = raw == null ? "" : raw.trim();
        List<String> out = new ArrayList<>();
        if (v.isEmpty()) {
            return out;
        }
        Collection<String> parts;
        if (v.startsWith("[")) {
            JsonNode n = json(v);
            if (n == null || !n.isArray()) {
                return List.of(v);
            }
            parts = new ArrayList<>();
            for (JsonNode item : n) {
                parts.add(item.asText());
            }
        } else {
            parts = List.of(v.split(","));
        }
        for (String p : parts) {
            String t = p.trim();
            if (t.length() >= 2 && (t.startsWith("\"") && t.endsWith("\"") || t.startsWith("'") && t.endsWith("'"))) {
                t = t.substring(1, t.length() - 1).trim();
            }
            if (!t.isEmpty() && !out.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    private static JsonNode json(String v) {
        try {
            return JSON.readTree(v);
        } catch (Exception e) {
            return null;
        }
    }

    private static String names(Object list) {
        return list instanceof Collection<?> c && !c.isEmpty() ? String.join(", ", c.stream().map(String::valueOf).toList())
                : "none";
    }

    private static int count(Object list) {
        return list instanceof Collection<?> c ? c.size() : 0;
    }

    private static boolean isEmpty(Object list) {
        return !(list instanceof Collection<?> c) || c.isEmpty();
    }
}
