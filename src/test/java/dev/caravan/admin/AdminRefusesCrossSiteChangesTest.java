package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;

import dev.caravan.keys.KeyState;
import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 6, CSRF: a change made with the session cookie needs the session's CSRF token in X-CSRF-Token; without it,
 * or with another one, it is refused with 403 and changes nothing. Reads need none, and Bearer calls need none
 * (a browser never adds an Authorization header by itself).
 */
class AdminRefusesCrossSiteChangesTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b");

    @Test
    void aChangeWithoutTheCsrfTokenIsRefused() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();
        String fp = gateway.key("key-a").fingerprint();
        String disable = AdminClient.body("action", "disable", "fingerprints", List.of(fp));

        HttpResponse<String> missing = admin.send("POST", "/admin/api/keys/actions", disable, null);
        HttpResponse<String> wrong = admin.send("POST", "/admin/api/keys/actions", disable, admin.csrf() + "x");
        HttpResponse<String> otherSession = admin.send("POST", "/admin/api/keys/actions", disable,
                new AdminClient(gateway).login().csrf());
        HttpResponse<String> settings = admin.send("PUT", "/admin/api/settings",
                AdminClient.body("values", java.util.Map.of("MAX_RETRIES", "1")), null);
        HttpResponse<String> logout = admin.send("POST", "/admin/api/logout", "{}", "nope");

        for (HttpResponse<String> res : List.of(missing, wrong, otherSession, settings, logout)) {
            assertThat(res.statusCode()).isEqualTo(403);
            assertThat(AdminClient.json(res).path("error").path("message").asText()).contains("X-CSRF-Token");
        }
        assertThat(gateway.key("key-a").state()).isEqualTo(KeyState.ACTIVE);
        assertThat(gateway.caravan().configuration().runtime().maxRetries()).isEqualTo(3);
        assertThat(admin.get("/admin/api/keys").statusCode()).isEqualTo(200);

        HttpResponse<String> right = admin.post("/admin/api/keys/actions", disable);

        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(gateway.key("key-a").state()).isEqualTo(KeyState.DISABLED);
    }

    @Test
    void aBearerCallNeedsNoCsrfToken() throws Exception {
        String fp = gateway.key("key-b").fingerprint();

        HttpResponse<String> res = new AdminClient(gateway).bearer("POST", "/admin/api/keys/actions",
                AdminClient.body("action", "disable", "fingerprints", List.of(fp)), Gateway.ADMIN_TOKEN);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(gateway.key("key-b").manuallyDisabled()).isTrue();
    }
}
