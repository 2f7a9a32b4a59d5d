package dev.caravan.admin;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.config.Settings;
import dev.caravan.upstream.UpstreamProxies;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ProxyOptions;
import org.apache.camel.Exchange;

/**
 * The proxy check of the Settings view: does each proxy reach Google? One GET of {@code {BASE_URL}/models} through
 * each proxy, without a key (no quota is spent; Google answers 400 or 403, which proves the way is open), all at
 * once, each within {@value #TIMEOUT_SECONDS} s. Any HTTP answer counts as reachable. Proxies are shown as
 * scheme://host:port, never with their user and password. Thread-safe; blocks the admin request's worker thread
 * (never an event loop) until the answers are in.
 */
public final class AdminProxyCheck {

    static final int TIMEOUT_SECONDS = 10;
    /** The connect time-out of the check's client. */
    public static final int TIMEOUT_SECONDS_MS = TIMEOUT_SECONDS * 1000;
    static final int MAX_PROXIES = 100;

    private final HttpClient http;
    private final Supplier<Settings> settings;
    private final ObjectMapper json;

    public AdminProxyCheck(HttpClient http, Supplier<Settings> settings, ObjectMapper json) {
        this.http = http;
        this.settings = settings;
        this.json = json;
    }

    /**
     * {@code POST /admin/api/proxies/check} with {@code {"proxies": ["http://host:port", ...]}}, or an empty body for
     * PROXIES in force; answers {@code {"results": [{"proxy", "reachable", "status", "latencyMs", "error"}]}}.
     */
    public void check(Exchange exchange) throws Exception {
        List<String> urls = requested(exchange);
        UpstreamProxies proxies;
        try {
            proxies = UpstreamProxies.of(urls);
        } catch (IllegalArgumentException e) {
            throw AdminError.badRequest(e.getMessage());
        }
        URI base = settings.get().baseUrl();
        List<CompletableFuture<Map<String, Object>>> pending = new ArrayList<>();
        for (int i = 0; i < proxies.size(); i++) {
            pending.add(probe(base, proxies.get(i), AdminSettings.proxyAddress(urls.get(i))));
        }
        List<Map<String, Object>> results = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS + 5L);
        for (int i = 0; i < pending.size(); i++) {
            try {
                results.add(pending.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (java.util.concurrent.TimeoutException e) {
                // a probe Vert.x never ended is that proxy's answer, not a failure of the whole check
                results.add(row(AdminSettings.proxyAddress(urls.get(i)), null, (TIMEOUT_SECONDS + 5L) * 1000L,
                        "no answer within " + (TIMEOUT_SECONDS + 5L) + " s"));
            }
        }
        AdminReply.json(exchange, json, 200, Map.of("results", results));
    }

    private CompletableFuture<Map<String, Object>> probe(URI base, ProxyOptions proxy, String shown) {
        boolean ssl = "https".equals(base.getScheme());
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(base.getHost())
                .setPort(base.getPort() > 0 ? base.getPort() : (ssl ? 443 : 80)).setSsl(ssl)
                .setURI((path.endsWith("/") ? path.substring(0, path.length() - 1) : path) + "/models?pageSize=1")
                .setProxyOptions(proxy).setTimeout(TIMEOUT_SECONDS * 1000L);
        long started = System.nanoTime();
        CompletableFuture<Map<String, Object>> out = new CompletableFuture<>();
        http.request(options)
                .compose(req -> req.send())
                .compose(res -> res.body().map(ignored -> res.statusCode()))
                .onComplete(ar -> out.complete(row(shown, ar.succeeded() ? ar.result() : null,
                        (System.nanoTime() - started) / 1_000_000,
                        // the cause's kind and message: a proxy's credentials are never part of them
                        ar.succeeded() ? null : ar.cause().getClass().getSimpleName()
                                + (ar.cause().getMessage() == null ? "" : ": " + ar.cause().getMessage()))));
        return out;
    }

    /** One proxy's result: reachable when it brought any HTTP answer ({@code status}), else the {@code error}. */
    private static Map<String, Object> row(String shown, Integer status, long latencyMs, String error) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("proxy", shown);
        r.put("reachable", error == null);
        r.put("status", status);
        r.put("latencyMs", latencyMs);
        r.put("error", error);
        return r;
    }

    private List<String> requested(Exchange exchange) {
        String text = exchange.getMessage().getBody(String.class);
        if (text == null || text.isBlank()) {
            return settings.get().proxies();
        }
        JsonNode body;
        try {
            body = json.readTree(text);
        } catch (Exception e) {
            throw AdminError.badRequest("Malformed JSON");
        }
        JsonNode list = body == null ? null : body.path("proxies");
        if (list == null || list.isMissingNode()) {
            return settings.get().proxies();
        }
        if (!list.isArray() || list.size() > MAX_PROXIES) {
            throw AdminError.badRequest("proxies must be a list of at most " + MAX_PROXIES + " proxy URLs");
        }
        List<String> urls = new ArrayList<>();
        for (JsonNode n : list) {
            if (!n.isTextual() || n.asText().isBlank()) {
                throw AdminError.badRequest("every proxy must be a URL such as http://host:port");
            }
            urls.add(n.asText().trim());
        }
        return urls;
    }
}
