package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.keys.KeyFingerprint;
import dev.caravan.keys.KeyState;
import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import dev.caravan.support.Rows;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, finding 6: a database written by a Caravan of before keyed fingerprints names keys and clients by ten hex
 * digits of an unkeyed SHA-256. At the first start on it, the saved key state is re-keyed before the pool reads it,
 * so an invalid key stays invalid, a deleted key stays deleted, an added key stays added, and the admin page finds
 * them by their new fingerprints; the log tables are re-keyed in the background, and a fingerprint whose secret is
 * not known is replaced as well, so no unkeyed fingerprint is left.
 */
class RekeysOlderFingerprintsAtStartTest {

    private static final String ADDED = "key-added-on-the-admin-page";
    private static final String WRONG = "a-wrong-token";
    private static final long NOW = System.currentTimeMillis();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-invalid", "key-deleted")
            .beforeStart(RekeysOlderFingerprintsAtStartTest::olderDatabase).keepingKeyState();

    /** The schema before keyed fingerprints (V2), with rows as that version wrote them. */
    private static void olderDatabase(java.nio.file.Path file) throws Exception {
        String url = "jdbc:sqlite:" + file;
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration/sqlite").target("2").load().migrate();
        try (Connection c = DriverManager.getConnection(url)) {
            insert(c, "INSERT INTO key_state (key_fingerprint, state, manually_disabled, strikes, reason, evidence_status, "
                    + "evidence_at_ms, updated_at_ms) VALUES (?, 'INVALID', 0, 0, 'API_KEY_INVALID', 400, ?, ?)",
                    KeyFingerprint.legacy("key-invalid"), NOW, NOW);
            insert(c, "INSERT INTO key_state (key_fingerprint, state, manually_disabled, strikes, updated_at_ms) "
                    + "VALUES (?, 'DISABLED', 1, 0, ?)", KeyFingerprint.legacy(ADDED), NOW);
            insert(c, "INSERT INTO api_keys (key_fingerprint, api_key, deleted, updated_at_ms) VALUES (?, ?, 0, ?)",
                    KeyFingerprint.legacy(ADDED), ADDED, NOW);
            insert(c, "INSERT INTO api_keys (key_fingerprint, api_key, deleted, updated_at_ms) VALUES (?, NULL, 1, ?)",
                    KeyFingerprint.legacy("key-deleted"), NOW);
            insert(c, "INSERT INTO request_log (request_id, request_at_ms, surface, status, latency_ms, attempt_count, "
                    + "attempts, client_fingerprint) VALUES ('r1', ?, 'gemini', 200, 5, 1, ?, ?)", NOW,
                    "[{\"key\":\"" + KeyFingerprint.legacy("key-a") + "\",\"status\":200,\"verdict\":\"SUCCESS\"}]",
                    KeyFingerprint.legacy(Gateway.TOKEN));
            insert(c, "INSERT INTO request_log (request_id, request_at_ms, surface, status, latency_ms, attempt_count, "
                    + "attempts, client_fingerprint) VALUES ('r2', ?, 'gemini', 401, 1, 0, '[]', ?)", NOW,
                    KeyFingerprint.legacy(WRONG));
            insert(c, "INSERT INTO error_log (request_id, error_at_ms, surface, status, client_fingerprint, key_fingerprint) "
                    + "VALUES ('r3', ?, 'gemini', 503, ?, ?)", NOW, KeyFingerprint.legacy(Gateway.TOKEN),
                    KeyFingerprint.legacy("key-invalid"));
        }
    }

    private static void insert(Connection c, String sql, Object... values) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            ps.executeUpdate();
        }
    }

    private final Rows.Db db = gateway::openDatabase;

    @Test
    void keepsEveryKeysStateAndRekeysTheLogsWhenStartingOnAnOlderDatabase() throws Exception {
        assertThat(gateway.key("key-invalid").state()).isEqualTo(KeyState.INVALID);
        assertThat(gateway.key("key-invalid").evidence().reason()).isEqualTo("API_KEY_INVALID");
        assertThat(gateway.key(ADDED).state()).isEqualTo(KeyState.DISABLED);
        assertThat(gateway.key(ADDED).manuallyDisabled()).isTrue();
        assertThat(gateway.pool().keys()).noneMatch(k -> k.secret().equals("key-deleted"));
        assertThat(Rows.query(db, "SELECT key_fingerprint FROM key_state UNION ALL SELECT key_fingerprint FROM api_keys"))
                .extracting(r -> (String) r.get("key_fingerprint"))
                .containsExactlyInAnyOrder(gateway.fingerprint("key-invalid"), gateway.fingerprint(ADDED),
                        gateway.fingerprint(ADDED), gateway.fingerprint("key-deleted"));

        // the admin page lists and acts on keys by their new fingerprints
        AdminClient admin = new AdminClient(gateway).login();
        JsonNode invalid = AdminClient.json(admin.get("/admin/api/keys?state=invalid"));
        assertThat(invalid.path("keys").get(0).path("fingerprint").asText()).isEqualTo(gateway.fingerprint("key-invalid"));
        assertThat(admin.post("/admin/api/keys/actions", AdminClient.body("action", "reset",
                "fingerprints", List.of(gateway.fingerprint("key-invalid")))).statusCode()).isEqualTo(200);
        assertThat(gateway.key("key-invalid").state()).isEqualTo(KeyState.ACTIVE);

        // the logs, in the background
        await().atMost(Duration.ofSeconds(20)).until(() -> !Rows.query(db,
                "SELECT * FROM installation WHERE name = 'log-fingerprints-rekeyed'").isEmpty());
        Map<String, Object> r1 = Rows.query(db, "SELECT * FROM request_log WHERE request_id = 'r1'").get(0);
        assertThat(r1).containsEntry("client_fingerprint", gateway.fingerprint(Gateway.TOKEN));
        assertThat((String) r1.get("attempts")).isEqualTo(
                "[{\"key\":\"" + gateway.fingerprint("key-a") + "\",\"status\":200,\"verdict\":\"SUCCESS\"}]");
        String unknown = (String) Rows.query(db, "SELECT * FROM request_log WHERE request_id = 'r2'").get(0).get("client_fingerprint");
        assertThat(unknown).matches("[0-9a-f]{16}").isNotEqualTo(gateway.fingerprint(WRONG));
        Map<String, Object> r3 = Rows.query(db, "SELECT * FROM error_log WHERE request_id = 'r3'").get(0);
        assertThat(r3).containsEntry("client_fingerprint", gateway.fingerprint(Gateway.TOKEN))
                .containsEntry("key_fingerprint", gateway.fingerprint("key-invalid"));
        String everything = Rows.everything(db) + Rows.query(db, "SELECT * FROM api_keys");
        for (String secret : List.of("key-a", "key-invalid", "key-deleted", ADDED, Gateway.TOKEN, WRONG)) {
            assertThat(everything).as("no unkeyed fingerprint left").doesNotContain(KeyFingerprint.legacy(secret));
        }

        // and the next start finds nothing left to do
        gateway.restart();
        assertThat(gateway.key(ADDED).state()).isEqualTo(KeyState.DISABLED);
        assertThat(gateway.pool().keys()).noneMatch(k -> k.secret().equals("key-deleted"));
    }
}
