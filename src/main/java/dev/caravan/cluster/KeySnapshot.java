package dev.caravan.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.Evidence;
import dev.caravan.keys.KeyState;
import dev.caravan.keys.Verdict;

/**
 * What one replica tells the others about one key (README "Scale out"): the key's fingerprint (never the key), its
 * health and its strikes each with the time they last changed, when a reset last cleared it, its cool-downs that
 * have not ended, its project when someone named one, and whether it was added or deleted at runtime. A small JSON
 * object, the same on the channel and in the hash that replicas catch up from.
 *
 * @param origin      the replica that sent it
 * @param fingerprint the key's fingerprint
 * @param sinceMicros when the oldest change it carries happened on the sender (epoch microseconds): the staleness
 *                    a receiver measures starts there
 * @param healthAt    when the state, evidence or operator's disable last changed (epoch ms; the later one wins)
 * @param strikesAt   when the strike count last changed (epoch ms; the later one wins)
 * @param clearedAt   when a reset last cleared the key's cool-downs (epoch ms)
 * @param project     the key's project when an operator, Google or the learning named one, else null
 * @param added       whether an operator added the key at runtime (a replica without it looks it up in the database)
 * @param removed     whether an operator deleted the key
 */
record KeySnapshot(String origin, String fingerprint, long sinceMicros, long healthAt, KeyState state,
                   boolean manual, Evidence evidence, long strikesAt, int strikes, long clearedAt,
                   Map<String, ApiKey.Cooldown> cooldowns, String project, String projectSource,
                   String projectEvidence, boolean added, boolean removed) {

    String toJson(ObjectMapper json) {
        ObjectNode n = json.createObjectNode();
        n.put("o", origin);
        n.put("fp", fingerprint);
        n.put("us", sinceMicros);
        n.put("h", healthAt);
        n.put("st", state.name());
        n.put("m", manual);
        putEvidence(n, "ev", evidence);
        n.put("s", strikesAt);
        n.put("sk", strikes);
        n.put("clr", clearedAt);
        if (!cooldowns.isEmpty()) {
            ObjectNode cd = n.putObject("cd");
            cooldowns.forEach((model, c) -> {
                ObjectNode one = cd.putObject(model);
                one.put("u", c.untilMillis());
                one.put("k", c.kind().name());
                putEvidence(one, "ev", c.evidence());
            });
        }
        if (project != null) {
            n.put("pj", project);
            n.put("ps", projectSource);
            n.put("pe", projectEvidence);
        }
        if (added) {
            n.put("ad", true);
        }
        if (removed) {
            n.put("rm", true);
        }
        return n.toString();
    }

    /** The snapshot in {@code text}; throws on a malformed one (a receiver drops it). */
    static KeySnapshot parse(ObjectMapper json, String text) throws java.io.IOException {
        JsonNode n = json.readTree(text);
        Map<String, ApiKey.Cooldown> cooldowns = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.path("cd").properties()) {
            JsonNode c = e.getValue();
            cooldowns.put(e.getKey(), new ApiKey.Cooldown(c.path("u").asLong(), Verdict.Kind.valueOf(c.path("k").asText()),
                    evidence(c.path("ev"))));
        }
        String fp = n.path("fp").asText("");
        if (fp.isEmpty()) {
            throw new java.io.IOException("no fingerprint");
        }
        return new KeySnapshot(n.path("o").asText(""), fp, n.path("us").asLong(), n.path("h").asLong(),
                KeyState.valueOf(n.path("st").asText("ACTIVE")), n.path("m").asBoolean(), evidence(n.path("ev")),
                n.path("s").asLong(), n.path("sk").asInt(), n.path("clr").asLong(), cooldowns,
                text(n.path("pj")), text(n.path("ps")), text(n.path("pe")), n.path("ad").asBoolean(),
                n.path("rm").asBoolean());
    }

    private static void putEvidence(ObjectNode n, String field, Evidence ev) {
        if (ev == null) {
            return;
        }
        ObjectNode e = n.putObject(field);
        e.put("s", ev.status());
        e.put("r", ev.reason());
        e.put("q", ev.quotaId());
        e.put("a", ev.atMillis());
    }

    private static Evidence evidence(JsonNode e) {
        return e.isObject() ? new Evidence(e.path("s").asInt(), text(e.path("r")), text(e.path("q")), e.path("a").asLong())
                : null;
    }

    private static String text(JsonNode n) {
        return n.isTextual() ? n.asText() : null;
    }
}
