package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyState;
import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.LogCapture;
import dev.caravan.support.PacificMidnight;
import dev.caravan.support.Rows;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 6, Keys view: the table (search, filter, sort, paging on the server) and every action, each reaching the
 * running pool at once and surviving a restart: verify asks Google, reset, disable (the pool skips the key), enable,
 * delete (it stays deleted although API_KEYS lists it), and adding keys pasted as any text. No answer, log line or
 * log row ever holds a key.
 */
class AdminManagesKeysTest {

    private static final String KEY_A = "pool-key-aaaa-secret-0001";
    private static final String KEY_B = "pool-key-bbbb-secret-0002";
    private static final String KEY_C = "pool-key-cccc-secret-0003";
    private static final String NEW_1 = "AIza" + "SyA1234567890abcdefghijklmnopqrstuv";
    private static final String NEW_2 = "AIza" + "SyB-_34567890abcdefghijklmnopqrstuv";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(KEY_A, KEY_B, KEY_C);

    private final List<String> answers = new ArrayList<>();

    @Test
    void theTableIsSearchedFilteredSortedAndPagedOnTheServer() throws Exception {
        // usageToday counts Google's day, which ends at Pacific midnight: none may pass during the test
        PacificMidnight.awaitClearOfMidnight();
        AdminClient admin = new AdminClient(gateway).login();
        gateway.pool().disable(gateway.key(KEY_B), new dev.caravan.keys.Evidence(0, "OPERATOR_DISABLED", null, 1L));
        gateway.stub().answerFor(KEY_C, r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        gateway.stub().answerFor(KEY_A, r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("30s")));
        gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi"));

        JsonNode all = list(admin, "/admin/api/keys");
        JsonNode page2 = list(admin, "/admin/api/keys?size=2&page=2");
        JsonNode invalid = list(admin, "/admin/api/keys?state=invalid");
        JsonNode cooling = list(admin, "/admin/api/keys?state=cooling");
        JsonNode operator = list(admin, "/admin/api/keys?state=operator");
        JsonNode searched = list(admin, "/admin/api/keys?q=" + gateway.key(KEY_A).fingerprint().substring(0, 6));
        JsonNode pasted = list(admin, "/admin/api/keys?q=" + KEY_C);
        JsonNode byReason = list(admin, "/admin/api/keys?q=api_key_invalid");
        JsonNode sorted = list(admin, "/admin/api/keys?sort=fingerprint&dir=desc");

        assertThat(all.path("total").asInt()).isEqualTo(3);
        assertThat(all.path("maxFailures").asInt()).isEqualTo(3);
        assertThat(page2.path("keys")).hasSize(1);
        assertThat(page2.path("pages").asInt()).isEqualTo(2);
        assertThat(fingerprints(invalid)).containsExactly(gateway.key(KEY_C).fingerprint());
        JsonNode c = invalid.path("keys").get(0);
        assertThat(c.path("state").asText()).isEqualTo("INVALID");
        assertThat(c.path("evidence").path("reason").asText()).isEqualTo("API_KEY_INVALID");
        assertThat(c.path("evidence").path("status").asInt()).isEqualTo(400);
        assertThat(c.path("mask").asText()).isEqualTo(gateway.key(KEY_C).mask());
        assertThat(c.path("usageToday").path("gemini-2.5-flash").asLong()).isPositive();
        assertThat(fingerprints(cooling)).containsExactly(gateway.key(KEY_A).fingerprint());
        JsonNode a = cooling.path("keys").get(0);
        assertThat(a.path("cooldownUntil").asLong()).isGreaterThan(all.path("now").asLong());
        assertThat(a.path("cooldowns").get(0).path("model").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(a.path("lastUsed").asLong()).isPositive();
        assertThat(fingerprints(operator)).containsExactly(gateway.key(KEY_B).fingerprint());
        assertThat(fingerprints(searched)).containsExactly(gateway.key(KEY_A).fingerprint());
        assertThat(fingerprints(pasted)).containsExactly(gateway.key(KEY_C).fingerprint());
        assertThat(fingerprints(byReason)).containsExactly(gateway.key(KEY_C).fingerprint());
        List<String> desc = fingerprints(sorted);
        assertThat(desc).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(admin.get("/admin/api/keys?sort=secret").statusCode()).isEqualTo(400);
        assertThat(admin.get("/admin/api/keys?state=odd").statusCode()).isEqualTo(400);
        assertNoSecrets();
    }

    @Test
    void aDisabledKeyIsSkippedAtOnceAndEnableBringsItBack() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();
        String b = gateway.key(KEY_B).fingerprint();

        HttpResponse<String> disabled = admin.post("/admin/api/keys/actions", action("disable", b));
        for (int i = 0; i < 6; i++) {
            assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("x")).statusCode())
                    .isEqualTo(200);
        }

        assertThat(disabled.statusCode()).isEqualTo(200);
        assertThat(AdminClient.json(disabled).path("done").get(0).asText()).isEqualTo(b);
        assertThat(gateway.stub().keysSeen()).hasSize(6).doesNotContain(KEY_B).contains(KEY_A, KEY_C);
        JsonNode row = list(admin, "/admin/api/keys?state=operator").path("keys").get(0);
        assertThat(row.path("evidence").path("reason").asText()).isEqualTo("OPERATOR_DISABLED");

        gateway.stub().reset();
        HttpResponse<String> enabled = admin.post("/admin/api/keys/actions", action("enable", b));
        for (int i = 0; i < 6; i++) {
            gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("y"));
        }

        assertThat(AdminClient.json(enabled).path("done")).hasSize(1);
        assertThat(gateway.stub().keysSeen()).contains(KEY_B);
        assertThat(gateway.key(KEY_B).state()).isEqualTo(KeyState.ACTIVE);
        record(disabled, enabled);
        assertNoSecrets();
    }

    @Test
    void resetPutsAKeyBackAndEnableLeavesGooglesVerdictsAlone() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();
        gateway.stub().answerFor(KEY_A, r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("x"));
        String a = gateway.key(KEY_A).fingerprint();
        assertThat(gateway.key(KEY_A).state()).isEqualTo(KeyState.INVALID);

        HttpResponse<String> enable = admin.post("/admin/api/keys/actions", action("enable", a));
        assertThat(AdminClient.json(enable).path("skipped")).hasSize(1);
        assertThat(gateway.key(KEY_A).state()).isEqualTo(KeyState.INVALID);

        HttpResponse<String> reset = admin.post("/admin/api/keys/actions", action("reset", a, "0000000000"));

        assertThat(reset.statusCode()).isEqualTo(200);
        assertThat(AdminClient.json(reset).path("done").get(0).asText()).isEqualTo(a);
        assertThat(AdminClient.json(reset).path("unknown").get(0).asText()).isEqualTo("0000000000");
        assertThat(gateway.key(KEY_A).state()).isEqualTo(KeyState.ACTIVE);
        record(enable, reset);
    }

    @Test
    void verifyAsksGoogleAboutEachKey() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();
        // A was taken out by a 5xx streak: Google now says it is fine; C is dead; B answers 503
        ApiKey keyA = gateway.key(KEY_A);
        strikeOut(keyA);
        assertThat(keyA.state()).isEqualTo(KeyState.DISABLED);
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.models()));
        gateway.stub().answerFor(KEY_C, r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));
        gateway.stub().answerFor(KEY_B, r -> new StubGemini.Json(503, GoogleBodies.unavailable()));

        HttpResponse<String> res = admin.post("/admin/api/keys/actions", action("verify",
                keyA.fingerprint(), gateway.key(KEY_B).fingerprint(), gateway.key(KEY_C).fingerprint()));

        assertThat(res.statusCode()).isEqualTo(200);
        Map<String, String> outcome = outcomes(res);
        assertThat(outcome.get(keyA.fingerprint())).isEqualTo("valid; back in rotation");
        assertThat(outcome.get(gateway.key(KEY_B).fingerprint())).contains("503");
        assertThat(outcome.get(gateway.key(KEY_C).fingerprint())).contains("API_KEY_INVALID");
        assertThat(keyA.state()).isEqualTo(KeyState.ACTIVE);
        assertThat(gateway.key(KEY_B).state()).isEqualTo(KeyState.ACTIVE);
        assertThat(gateway.key(KEY_C).state()).isEqualTo(KeyState.INVALID);
        // the cheap call that spends no quota, with nothing but the key (camel-http tries a 503 once more)
        assertThat(gateway.stub().keysSeen()).contains(KEY_A, KEY_B, KEY_C);
        assertThat(gateway.stub().received()).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.path()).as("TEST_MODEL's entry").isEqualTo("/v1beta/models/gemini-2.5-flash-lite");
            assertThat(r.query()).isNullOrEmpty();
        });
        record(res);
        assertNoSecrets();
    }

    @Test
    void verifySaysWhenGoogleServesNoTestModelAndStillProvesTheKey() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();
        ApiKey keyA = gateway.key(KEY_A);
        strikeOut(keyA);
        assertThat(keyA.state()).isEqualTo(KeyState.DISABLED);
        // TEST_MODEL was shut down: Google takes the key, finds no model; a bad key is refused before that
        gateway.stub().answer(r -> new StubGemini.Json(404, GoogleBodies.notFound()));
        gateway.stub().answerFor(KEY_C, r -> new StubGemini.Json(400, GoogleBodies.keyInvalid()));

        HttpResponse<String> res = admin.post("/admin/api/keys/actions", action("verify",
                keyA.fingerprint(), gateway.key(KEY_C).fingerprint()));

        assertThat(res.statusCode()).isEqualTo(200);
        Map<String, String> outcome = outcomes(res);
        assertThat(outcome.get(keyA.fingerprint())).startsWith("valid; back in rotation").contains("TEST_MODEL", "404");
        assertThat(outcome.get(gateway.key(KEY_C).fingerprint())).contains("API_KEY_INVALID");
        assertThat(keyA.state()).isEqualTo(KeyState.ACTIVE);
        assertThat(gateway.key(KEY_C).state()).isEqualTo(KeyState.INVALID);
        record(res);
        assertNoSecrets();
    }

    @Test
    void pastedKeysAreAddedOnceDeletedKeysGoAndBothSurviveARestart() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();
        String paste = "API_KEYS=[\"" + NEW_1 + "\", \"" + NEW_2 + "\"]\n# again: " + NEW_1 + "\nnot a key: AIzaTooShort, "
                + KEY_A;
        try (LogCapture logs = LogCapture.everything()) {
            HttpResponse<String> added = admin.post("/admin/api/keys", AdminClient.body("text", paste));
            HttpResponse<String> again = admin.post("/admin/api/keys", AdminClient.body("text", NEW_2));

            assertThat(added.statusCode()).isEqualTo(200);
            JsonNode r = AdminClient.json(added);
            assertThat(r.path("found").asInt()).isEqualTo(2);
            assertThat(r.path("added")).hasSize(2);
            assertThat(r.path("added").get(0).path("mask").asText()).isEqualTo("AIza…stuv");
            assertThat(r.path("repeatedInText").asInt()).isEqualTo(1);
            assertThat(AdminClient.json(again).path("added")).isEmpty();
            assertThat(AdminClient.json(again).path("duplicates")).hasSize(1);
            assertThat(gateway.pool().size()).isEqualTo(5);
            record(added, again);

            String c = gateway.key(KEY_C).fingerprint();
            HttpResponse<String> deleted = admin.post("/admin/api/keys/actions", action("delete", c));
            assertThat(AdminClient.json(deleted).path("done").get(0).asText()).isEqualTo(c);
            assertThat(gateway.pool().byFingerprint(c)).isNull();
            record(deleted);
            for (int i = 0; i < 8; i++) {
                gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("z"));
            }
            assertThat(gateway.stub().keysSeen()).doesNotContain(KEY_C).contains(NEW_1, NEW_2);
            answers.addAll(logs.lines());
        }

        gateway.restart();

        assertThat(gateway.pool().keys()).extracting(ApiKey::secret).containsExactly(KEY_A, KEY_B, NEW_1, NEW_2);
        // put back for the other tests of this class
        try (var conn = gateway.openDatabase(); var st = conn.createStatement()) {
            st.execute("DELETE FROM api_keys");
        }
        gateway.restart();
        assertThat(gateway.pool().size()).isEqualTo(3);
        assertNoSecrets();
    }

    @Test
    void aBulkActionAppliesToEveryKeyNamed() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();
        String[] all = gateway.pool().keys().stream().map(ApiKey::fingerprint).toArray(String[]::new);

        HttpResponse<String> res = admin.post("/admin/api/keys/actions", action("disable", all));
        HttpResponse<String> none = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("x"));
        HttpResponse<String> back = admin.post("/admin/api/keys/actions", action("enable", all));

        assertThat(AdminClient.json(res).path("done")).hasSize(3);
        assertThat(none.statusCode()).isEqualTo(503);
        assertThat(AdminClient.json(back).path("done")).hasSize(3);
        assertThat(gateway.pool().usable()).isEqualTo(3);
        assertThat(admin.post("/admin/api/keys/actions", AdminClient.body("action", "explode", "fingerprints", List.of(all[0])))
                .statusCode()).isEqualTo(400);
        assertThat(admin.post("/admin/api/keys/actions", AdminClient.body("action", "reset")).statusCode()).isEqualTo(400);
        assertThat(admin.post("/admin/api/keys/actions", "{not json").statusCode()).isEqualTo(400);
        assertThat(admin.get("/admin/api/keys/actions").statusCode()).isEqualTo(405);
        record(res, back);
    }

    private void record(HttpResponse<?>... responses) {
        for (HttpResponse<?> r : responses) {
            answers.add(r.headers().map() + " " + r.body());
        }
    }

    private void assertNoSecrets() {
        String rows = Rows.everything(gateway::openDatabase);
        for (String text : answers) {
            assertThat(text).doesNotContain(KEY_A, KEY_B, KEY_C, NEW_1, NEW_2, Gateway.ADMIN_TOKEN, Gateway.TOKEN);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(Rows.everything(gateway::openDatabase)).doesNotContain(KEY_A, KEY_B, KEY_C, NEW_1, NEW_2));
        assertThat(rows).doesNotContain(Gateway.ADMIN_TOKEN);
    }

    private JsonNode list(AdminClient admin, String path) throws Exception {
        HttpResponse<String> res = admin.get(path);
        assertThat(res.statusCode()).as(path + " " + res.body()).isEqualTo(200);
        record(res);
        return AdminClient.json(res);
    }

    /** Takes a key out of rotation as a streak of Google's 5xx answers does (MAX_FAILURES strikes). */
    private static void strikeOut(ApiKey key) {
        for (int i = 0; i < 3; i++) {
            gateway.pool().record(key, "m", new dev.caravan.keys.Verdict(dev.caravan.keys.Verdict.Kind.UPSTREAM_FAILURE, 0,
                    new dev.caravan.keys.Evidence(500, "INTERNAL", null, 1L)));
        }
    }

    /** A verify action's outcome for each key, by fingerprint. */
    private static Map<String, String> outcomes(HttpResponse<String> res) throws Exception {
        Map<String, String> outcome = new java.util.HashMap<>();
        AdminClient.json(res).path("results").forEach(r -> outcome.put(r.path("fingerprint").asText(), r.path("outcome").asText()));
        return outcome;
    }

    private static List<String> fingerprints(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.path("keys").forEach(k -> out.add(k.path("fingerprint").asText()));
        return out;
    }

    private static String action(String action, String... fingerprints) {
        return AdminClient.body("action", action, "fingerprints", List.of(fingerprints));
    }
}
