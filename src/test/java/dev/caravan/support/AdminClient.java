package dev.caravan.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Calls the admin API as the page does: logs in with the admin token, keeps the session cookie, and sends the CSRF
 * token with every change. Also calls it as a script does, with {@code Authorization: Bearer}. Not thread-safe.
 */
public final class AdminClient {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final Gateway gateway;
    private String cookie;
    private String csrf;

    public AdminClient(Gateway gateway) {
        this.gateway = gateway;
    }

    /** Logs in with the admin token; fails the test when that does not work. */
    public AdminClient login() throws IOException, InterruptedException {
        HttpResponse<String> res = login(Gateway.ADMIN_TOKEN);
        if (res.statusCode() != 200) {
            throw new AssertionError("login failed: " + res.statusCode() + " " + res.body());
        }
        return this;
    }

    /** Tries to log in with {@code token}; on success keeps the session. */
    public HttpResponse<String> login(String token) throws IOException, InterruptedException {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/admin/api/login")))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("token", token).toString())));
        if (res.statusCode() == 200) {
            cookie = res.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
            csrf = json(res).path("csrfToken").asText();
        }
        return res;
    }

    public String cookie() {
        return cookie;
    }

    public String csrf() {
        return csrf;
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return gateway.send(session(HttpRequest.newBuilder(URI.create(gateway.url(path)))).GET());
    }

    /** A change with the session and its CSRF token. */
    public HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return send("POST", path, body, csrf);
    }

    public HttpResponse<String> put(String path, String body) throws IOException, InterruptedException {
        return send("PUT", path, body, csrf);
    }

    /** A change with the session and {@code csrfToken} (null: no header). */
    public HttpResponse<String> send(String method, String path, String body, String csrfToken)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = session(HttpRequest.newBuilder(URI.create(gateway.url(path))))
                .header("content-type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (csrfToken != null) {
            b.header("X-CSRF-Token", csrfToken);
        }
        return gateway.send(b);
    }

    /** A call as a script makes it: the token as Bearer, no cookie, no CSRF token. */
    public HttpResponse<String> bearer(String method, String path, String body, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.url(path)))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return gateway.send(b);
    }

    /** The body of a JSON answer, for assertions. */
    public static JsonNode json(HttpResponse<String> res) {
        try {
            return JSON.readTree(res.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + res.body(), e);
        }
    }

    /** A JSON body from a map-like literal, e.g. {@code body("action", "reset", "fingerprints", List.of(fp))}. */
    public static String body(Object... pairs) {
        var node = JSON.createObjectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            node.set((String) pairs[i], JSON.valueToTree(pairs[i + 1]));
        }
        return node.toString();
    }

    private HttpRequest.Builder session(HttpRequest.Builder b) {
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return b;
    }
}
