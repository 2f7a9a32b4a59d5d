package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import dev.caravan.support.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 6, the page: /admin serves the page and its few files from the classpath, with headers that keep the page
 * to its own script and style; nothing else of the project is reachable, however the path is spelled.
 */
class AdminServesOnlyItsOwnFilesTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a");

    @Test
    void servesThePageAndItsFiles() throws Exception {
        HttpResponse<String> page = get("/admin");
        HttpResponse<String> slash = get("/admin/");
        HttpResponse<String> js = get("/admin/app.js");
        HttpResponse<String> css = get("/admin/app.css");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type").orElseThrow()).startsWith("text/html");
        assertThat(page.headers().firstValue("content-security-policy").orElseThrow()).contains("default-src 'none'")
                .contains("script-src 'self'").contains("frame-ancestors 'none'");
        assertThat(page.headers().firstValue("x-content-type-options")).contains("nosniff");
        assertThat(page.body()).contains("<title>Caravan admin</title>", "/admin/app.js").doesNotContain("http://", "https://");
        assertThat(slash.statusCode()).isEqualTo(200);
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("content-type").orElseThrow()).startsWith("text/javascript");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("content-type").orElseThrow()).startsWith("text/css");
    }

    @Test
    void nothingElseOfTheProjectIsServed() throws Exception {
        for (String path : new String[] {"/application.properties", "/routes/admin.camel.yaml", "/routes/",
                "/admin/application.properties", "/admin/index.htm", "/admin/app.js.map", "/admin/admin.camel.yaml",
                "/admin/%2e%2e/application.properties", "/admin/..%2fpom.xml", "/admin/..%2F..%2Fpom.xml",
                "/admin/%2e%2e%2fapplication.properties", "/admin/api/../../application.properties",
                "/admin/api/", "/admin/api/nothing", "/pom.xml", "/data/auth_token"}) {
            HttpResponse<String> res = get(path);
            assertThat(res.statusCode()).as(path).isEqualTo(404);
            assertThat(res.body()).as(path).doesNotContain("caravan.port", "camel.main", "<project", "- route:");
        }
        // a raw request line, as no client library would normalise it
        for (String raw : new String[] {"/admin/../application.properties", "/admin/../routes/admin.camel.yaml",
                "/admin/./../pom.xml"}) {
            String answer = rawGet(raw);
            assertThat(answer).as(raw).startsWith("HTTP/1.1 404").doesNotContain("caravan.port", "<project", "- route:");
        }
    }

    @Test
    void theApiIsNotACacheableOrFramablePage() throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/admin/api/keys")))
                .header("Authorization", "Bearer " + Gateway.ADMIN_TOKEN).GET());

        assertThat(res.headers().firstValue("cache-control")).contains("no-store");
        assertThat(res.headers().firstValue("x-frame-options")).contains("DENY");
        assertThat(res.headers().map().keySet()).doesNotContain("authorization");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.url(path))).GET());
    }

    private static String rawGet(String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.caravan().port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
