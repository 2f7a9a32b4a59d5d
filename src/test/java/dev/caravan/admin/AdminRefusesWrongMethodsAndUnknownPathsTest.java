package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 9, admin methods declared once: every admin path answers a method it does not serve with 405 in the admin
 * shape, naming the methods it serves in {@code Allow}, after the same access check as the path's own routes; a path
 * no admin route serves answers 404 in the admin shape; and every path but the page, its files and the login asks
 * for access, whatever the verbs declared.
 */
class AdminRefusesWrongMethodsAndUnknownPathsTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b");

    /** Every admin verb and path, as the routes declare them: a change here is a change of the admin API. */
    private static final Set<String> ADMIN_API = Set.of(
            "GET /admin", "GET /admin/{file}", "POST /admin/api/login", "POST /admin/api/logout",
            "GET /admin/api/session", "GET /admin/api/dashboard", "GET /admin/api/quota", "GET /admin/api/keys", "POST /admin/api/keys",
            "POST /admin/api/keys/actions", "GET /admin/api/settings", "PUT /admin/api/settings",
            "GET /admin/api/logs/requests", "GET /admin/api/logs/requests/{id}", "GET /admin/api/logs/errors",
            // the Vertex Express pool's view (routes/admin-vertex.camel.yaml)
            "GET /admin/api/vertex-keys", "POST /admin/api/vertex-keys/actions",
            // gemini-balance's admin parity: what was carried over, error-log deletion, the proxy check
            "GET /admin/api/carryover", "POST /admin/api/logs/errors/delete", "POST /admin/api/proxies/check");

    /** Verbs that answer without a login: the page, its files and the login itself. */
    private static final Set<String> OPEN = Set.of("GET /admin", "GET /admin/{file}", "POST /admin/api/login");

    @Test
    void aWrongMethodIsRefusedWith405InTheAdminShape() throws Exception {
        String[][] cases = {
            {"GET", "/admin/api/keys/actions", "POST"},
            {"DELETE", "/admin/api/keys", "GET, POST"},
            {"POST", "/admin/api/settings", "GET, PUT"},
            {"PATCH", "/admin/api/settings", "GET, PUT"},
            {"PUT", "/admin/api/logs/requests/some-id", "GET"},
            {"POST", "/admin/api/logs/errors", "GET"},
            {"GET", "/admin/api/logout", "POST"},
            {"DELETE", "/admin/api/session", "GET"},
            {"PUT", "/admin/api/dashboard", "GET"},
        };
        for (String[] c : cases) {
            HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url(c[1])))
                    .header("Authorization", "Bearer " + Gateway.ADMIN_TOKEN).header("X-Probe", "echo-me")
                    .method(c[0], HttpRequest.BodyPublishers.ofString("{}")));
            assertAdminError(res, 405, c[0] + " " + c[1]);
            assertThat(res.headers().firstValue("allow")).as(c[1]).contains(c[2]);
            assertThat(AdminClient.json(res).path("error").path("message").asText()).as(c[1]).contains("use " + c[2]);
        }
        // the page, its files and the login need no login to be told which method they take
        for (String[] c : new String[][] {{"GET", "/admin/api/login", "POST"}, {"POST", "/admin", "GET"},
                {"DELETE", "/admin/app.js", "GET"}, {"PUT", "/admin/", "GET"}}) {
            HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url(c[1])))
                    .method(c[0], HttpRequest.BodyPublishers.ofString("{}")));
            assertAdminError(res, 405, c[0] + " " + c[1]);
            assertThat(res.headers().firstValue("allow")).as(c[1]).contains(c[2]);
        }
    }

    @Test
    void theRightMethodStillReachesItsRouteBeforeTheCatchAll() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();

        assertThat(admin.get("/admin/api/keys").statusCode()).isEqualTo(200);
        assertThat(admin.post("/admin/api/keys", AdminClient.body("text", "no key in here")).statusCode())
                .isEqualTo(200);
        assertThat(admin.get("/admin/api/settings").statusCode()).isEqualTo(200);
        assertThat(admin.get("/admin/api/logs/requests/no-such-request").statusCode()).isEqualTo(404);
        assertThat(admin.get("/admin/api/logs/requests/no-such-request").body()).doesNotContain("admin endpoint");
        assertThat(admin.get("/admin/app.js").statusCode()).isEqualTo(200);
        assertThat(admin.get("/admin").statusCode()).isEqualTo(200);
    }

    @Test
    void aWrongMethodStillAsksForAccessFirst() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();

        HttpResponse<String> stranger = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/admin/api/keys")))
                .DELETE());
        HttpResponse<String> clientToken =
                new AdminClient(gateway).bearer("PUT", "/admin/api/keys", "{}", Gateway.TOKEN);
        HttpResponse<String> noCsrf = admin.send("POST", "/admin/api/dashboard", "{}", null);
        HttpResponse<String> withCsrf = admin.send("POST", "/admin/api/dashboard", "{}", admin.csrf());

        assertAdminError(stranger, 401, "DELETE without a session");
        assertThat(stranger.headers().firstValue("allow")).isEmpty();
        assertAdminError(clientToken, 401, "PUT with a client token");
        assertAdminError(noCsrf, 403, "POST with a session and no CSRF token");
        assertAdminError(withCsrf, 405, "POST with a session and its CSRF token");
    }

    @Test
    void anUnknownAdminPathIs404InTheAdminShape() throws Exception {
        AdminClient script = new AdminClient(gateway);
        for (String[] c : new String[][] {{"GET", "/admin/api/x"}, {"POST", "/admin/api/x"},
                {"GET", "/admin/api/keys/x/y"}, {"DELETE", "/admin/api/logs"}, {"GET", "/admin/x/y"}}) {
            HttpResponse<String> anonymous = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url(c[1])))
                    .method(c[0], HttpRequest.BodyPublishers.ofString("{}")));
            HttpResponse<String> admin = script.bearer(c[0], c[1], "{}", Gateway.ADMIN_TOKEN);
            assertAdminError(anonymous, 404, c[0] + " " + c[1]);
            assertAdminError(admin, 404, c[0] + " " + c[1] + " as admin");
        }
    }

    @Test
    void everyAdminPathButThePageAndTheLoginAsksForAccess() throws Exception {
        Set<String> declared = declaredAdminVerbs();

        assertThat(declared).isEqualTo(ADMIN_API);
        List<String> unguarded = new ArrayList<>();
        for (String verb : declared) {
            if (OPEN.contains(verb)) {
                // not called: a login without the token would count towards the throttle
                continue;
            }
            String method = verb.substring(0, verb.indexOf(' '));
            String path = verb.substring(verb.indexOf(' ') + 1).replaceAll("\\{[^/]+}", "some-name");
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(gateway.url(path)))
                    .header("content-type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString("{}"));
            int status = gateway.send(req).statusCode();
            if (status != 401) {
                unguarded.add(verb);
            }
        }
        assertThat(unguarded).as("verbs answering without a session or the admin token").isEmpty();
    }

    /** "METHOD path" for every running platform-http route under /admin but the catch-all. */
    private static Set<String> declaredAdminVerbs() {
        Set<String> verbs = new TreeSet<>();
        for (Route route : gateway.caravan().context().getRoutes()) {
            if (route.getConsumer() instanceof PlatformHttpConsumer consumer) {
                PlatformHttpEndpoint endpoint = consumer.getEndpoint();
                String path = endpoint.getPath().startsWith("/") ? endpoint.getPath() : "/" + endpoint.getPath();
                if (path.startsWith("/admin") && !endpoint.isMatchOnUriPrefix() && !path.contains("*")) {
                    for (String method : endpoint.getHttpMethodRestrict().split(",")) {
                        verbs.add(method.trim() + " " + path);
                    }
                }
            }
        }
        return verbs;
    }

    private static void assertAdminError(HttpResponse<String> res, int status, String what) {
        assertThat(res.statusCode()).as(what + ": " + res.body()).isEqualTo(status);
        assertThat(res.headers().firstValue("content-type").orElseThrow()).as(what).startsWith("application/json");
        assertThat(res.headers().firstValue("x-content-type-options")).as(what).contains("nosniff");
        assertThat(res.headers().firstValue("cache-control")).as(what).contains("no-store");
        // nothing of the request comes back
        assertThat(res.headers().map().keySet()).as(what).doesNotContain("x-probe", "authorization", "cookie");
        JsonNode error = AdminClient.json(res).path("error");
        assertThat(error.path("code").asInt()).as(what).isEqualTo(status);
        assertThat(error.path("message").asText()).as(what).isNotBlank();
        // the admin shape, not Google's envelope
        assertThat(error.has("status")).as(what).isFalse();
    }
}
