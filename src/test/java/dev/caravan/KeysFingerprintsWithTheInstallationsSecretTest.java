package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.caravan.support.Gateway;
import dev.caravan.support.Rows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, finding 6: fingerprints of keys and tokens used to be ten hex digits of an unsalted SHA-256, from which a
 * short client token came back in a fraction of a second. They are now 64 bits of an HMAC-SHA-256 under a secret of
 * the installation's own, made at first start and kept in the database (so every replica agrees, and a restart keeps
 * them): without that secret a fingerprint cannot be checked against guesses. Two installations name the same token
 * differently.
 */
class KeysFingerprintsWithTheInstallationsSecretTest {

    /** A short client token, of the kind that came back from its unkeyed fingerprint. */
    private static final String SHORT = "tk9z";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a").set("caravan.allowed-tokens", "[\"" + SHORT + "\"]");

    @RegisterExtension
    static final Gateway other = Gateway.withKeys("pool-key-a").set("caravan.allowed-tokens", "[\"" + SHORT + "\"]");

    private final Rows.Db db = gateway::openDatabase;

    @Test
    void namesAShortTokenByAnHmacUnderTheSecretInTheDatabaseThatNoGuessingFinds() throws Exception {
        assertThat(gateway.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        gateway.url("/v1beta/models/gemini-2.5-flash:generateContent")))
                .header("x-goog-api-key", SHORT).header("content-type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Gateway.prompt("hi")))).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> Rows.count(db, "request_log") == 1);
        String logged = (String) Rows.query(db, "SELECT client_fingerprint FROM request_log").get(0).get("client_fingerprint");
        List<Map<String, Object>> secret = Rows.query(db, "SELECT value FROM installation WHERE name = 'fingerprint-secret'");

        assertThat(logged).matches("[0-9a-f]{16}");
        assertThat(secret).hasSize(1);
        byte[] key = Base64.getDecoder().decode((String) secret.get(0).get("value"));
        assertThat(key).hasSizeGreaterThanOrEqualTo(32);
        assertThat(logged).isEqualTo(hmac(key, SHORT)).isEqualTo(gateway.fingerprint(SHORT));
        assertThat(Rows.everything(db)).doesNotContain(SHORT);
        // what recovered such a token before: trying every short token against an unkeyed SHA-256
        assertThat(bruteForceUnkeyed(logged)).as("no token of up to four characters has this fingerprint unkeyed").isNull();
    }

    @Test
    void keepsFingerprintsAcrossARestartAndDiffersFromAnotherInstallation() throws Exception {
        String before = gateway.fingerprint(SHORT);
        String key = gateway.key("pool-key-a").fingerprint();

        gateway.restart();

        assertThat(gateway.fingerprint(SHORT)).isEqualTo(before);
        assertThat(gateway.key("pool-key-a").fingerprint()).isEqualTo(key);
        assertThat(other.fingerprint(SHORT)).isNotEqualTo(before);
        assertThat(other.key("pool-key-a").fingerprint()).isNotEqualTo(key);
    }

    private static String hmac(byte[] key, String secret) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(secret.getBytes(StandardCharsets.UTF_8)), 0, 8);
    }

    /** Every token of one to four characters of [a-z0-9-] whose SHA-256 starts like {@code fingerprint}, or null. */
    private static String bruteForceUnkeyed(String fingerprint) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        char[] alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-".toCharArray();
        String tenHex = fingerprint.substring(0, 10);
        for (int len = 1; len <= 4; len++) {
            int[] idx = new int[len];
            byte[] candidate = new byte[len];
            while (true) {
                for (int i = 0; i < len; i++) {
                    candidate[i] = (byte) alphabet[idx[i]];
                }
                String hex = HexFormat.of().formatHex(sha.digest(candidate), 0, 8);
                if (hex.equals(fingerprint) || hex.startsWith(tenHex)) {
                    return new String(candidate, StandardCharsets.US_ASCII);
                }
                int i = len - 1;
                while (i >= 0 && ++idx[i] == alphabet.length) {
                    idx[i--] = 0;
                }
                if (i < 0) {
                    break;
                }
            }
        }
        return null;
    }
}
