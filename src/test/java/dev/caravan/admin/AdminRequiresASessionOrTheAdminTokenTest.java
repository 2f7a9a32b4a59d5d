package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 6, access: the admin API answers only a live session (cookie from a login with AUTH_TOKEN) or the admin
 * token as Bearer. A client token is not an admin token; the cookie holds a random id, never the token; logout ends
 * the session; wrong tokens from one address are refused with 429 after five in a minute.
 */
class AdminRequiresASessionOrTheAdminTokenTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b");

    @Test
    void aLoginGivesAnHttpOnlyStrictCookieThatIsNotTheToken() throws Exception {
        AdminClient admin = new AdminClient(gateway);
        HttpResponse<String> res = admin.login(Gateway.ADMIN_TOKEN);

        assertThat(res.statusCode()).isEqualTo(200);
        String setCookie = res.headers().firstValue("set-cookie").orElseThrow();
        assertThat(setCookie).startsWith("caravan_admin=").contains("HttpOnly", "SameSite=Strict", "Path=/admin")
                .doesNotContain("Secure").doesNotContain(Gateway.ADMIN_TOKEN);
        assertThat(AdminClient.json(res).path("csrfToken").asText()).hasSizeGreaterThan(30);
        assertThat(res.body()).doesNotContain(Gateway.ADMIN_TOKEN);
        assertThat(admin.get("/admin/api/keys").statusCode()).isEqualTo(200);
        assertThat(admin.get("/admin/api/session").statusCode()).isEqualTo(200);
    }

    @Test
    void theCookieIsSecureBehindATlsProxy() throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/admin/api/login")))
                .header("content-type", "application/json").header("X-Forwarded-Proto", "https")
                .POST(HttpRequest.BodyPublishers.ofString(AdminClient.body("token", Gateway.ADMIN_TOKEN))));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("set-cookie").orElseThrow()).contains("; Secure");
    }

    @Test
    void withoutASessionOrTokenEveryCallIsRefused() throws Exception {
        for (String path : new String[] {"/admin/api/keys", "/admin/api/dashboard", "/admin/api/settings",
                "/admin/api/logs/requests", "/admin/api/logs/errors", "/admin/api/session"}) {
            HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url(path))).GET());
            assertThat(res.statusCode()).as(path).isEqualTo(401);
            assertThat(AdminClient.json(res).path("error").path("message").asText()).contains("Log in");
        }
        HttpResponse<String> forged = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/admin/api/keys")))
                .header("Cookie", "caravan_admin=made-up-session-id").GET());
        assertThat(forged.statusCode()).isEqualTo(401);
    }

    @Test
    void theAdminTokenAsBearerServesScriptsAndAClientTokenDoesNot() throws Exception {
        AdminClient script = new AdminClient(gateway);

        HttpResponse<String> ok = script.bearer("GET", "/admin/api/keys", null, Gateway.ADMIN_TOKEN);
        HttpResponse<String> client = script.bearer("GET", "/admin/api/keys", null, Gateway.TOKEN);
        HttpResponse<String> clientLogin = script.login(Gateway.TOKEN);

        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(AdminClient.json(ok).path("poolSize").asInt()).isEqualTo(2);
        assertThat(client.statusCode()).isEqualTo(401);
        assertThat(clientLogin.statusCode()).isEqualTo(401);
        assertThat(clientLogin.headers().firstValue("set-cookie")).isEmpty();
    }

    @Test
    void logoutEndsTheSession() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();
        assertThat(admin.get("/admin/api/keys").statusCode()).isEqualTo(200);

        HttpResponse<String> out = admin.post("/admin/api/logout", "{}");

        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.headers().firstValue("set-cookie").orElseThrow()).contains("Max-Age=0");
        assertThat(admin.get("/admin/api/keys").statusCode()).isEqualTo(401);
        assertThat(admin.get("/admin/api/session").statusCode()).isEqualTo(401);
    }

    @Test
    void aLoginMustBeJson() throws Exception {
        HttpResponse<String> form = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/admin/api/login")))
                .header("content-type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(AdminClient.body("token", Gateway.ADMIN_TOKEN))));

        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(form.headers().firstValue("set-cookie")).isEmpty();
    }
}
