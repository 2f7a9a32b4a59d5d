package dev.caravan.admin;

import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.security.ClientAddress;
import dev.caravan.security.GuessThrottle;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * Who may use the admin API. A browser logs in with AUTH_TOKEN and gets a session cookie (HttpOnly,
 * SameSite=Strict, Secure when the request came over TLS or through a proxy that says {@code X-Forwarded-Proto:
 * https}); a script sends {@code Authorization: Bearer AUTH_TOKEN} with each call. A client token (ALLOWED_TOKENS)
 * is not an admin token. A change made with a session must carry the session's CSRF token in
 * {@code X-CSRF-Token}; Bearer calls need none, since a browser never adds that header by itself. Wrong tokens
 * count towards the {@link GuessThrottle}. Thread-safe.
 */
public final class AdminAccess implements Processor {

    public static final String COOKIE = "caravan_admin";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** The exchange property holding the caller's session (absent for Bearer calls). */
    public static final String SESSION = "caravanAdminSession";

    private final AdminSessions sessions;
    private final GuessThrottle throttle;
    private final AdminCredential credential;
    private final ObjectMapper json;
    /** TIMEZONE in force: the page shows every time in it. */
    private final Supplier<ZoneId> timezone;

    public AdminAccess(AdminSessions sessions, GuessThrottle throttle, AdminCredential credential, ObjectMapper json) {
        this(sessions, throttle, credential, json, ZoneId::systemDefault);
    }

    public AdminAccess(AdminSessions sessions, GuessThrottle throttle, AdminCredential credential, ObjectMapper json,
                       Supplier<ZoneId> timezone) {
        this.sessions = sessions;
        this.throttle = throttle;
        this.credential = credential;
        this.json = json;
        this.timezone = timezone;
    }

    /** The gate in front of every admin API call but the login: a session or the admin token, and CSRF. */
    @Override
    public void process(Exchange exchange) {
        HttpServerRequest req = request(exchange);
        String bearer = bearer(req.getHeader("Authorization"));
        if (bearer != null) {
            String address = address(req);
            refuseWhileThrottled(address);
            if (!credential.matches(bearer)) {
                throttle.failed(address);
                throw new AdminError(401, "Not the admin token: send AUTH_TOKEN as Authorization: Bearer, or log in");
            }
            return;
        }
        AdminSessions.Session s = sessions.find(cookie(req.getHeader("Cookie")));
        if (s == null) {
            throw new AdminError(401, "Log in first: the session is missing or has ended");
        }
        if (!safe(req.method().name()) && !s.csrfMatches(req.getHeader(CSRF_HEADER))) {
            throw new AdminError(403, "Missing or wrong " + CSRF_HEADER + " header: reload the page");
        }
        exchange.setProperty(SESSION, s);
    }

    /**
     * Whether a request carries the admin token as {@code Authorization: Bearer} or the cookie of a live session;
     * nothing is counted or refused here (the HTTP edge asks, to know whether to read a body at all; {@link #process}
     * decides and throttles). Answered without waiting for the shared store, where sessions live when there are
     * replicas: the HTTP edge asks from an event loop.
     */
    public java.util.concurrent.CompletionStage<Boolean> authenticatedLater(HttpServerRequest req) {
        String bearer = bearer(req.getHeader("Authorization"));
        if (bearer != null) {
            return java.util.concurrent.CompletableFuture.completedFuture(credential.matches(bearer));
        }
        return sessions.findLater(cookie(req.getHeader("Cookie"))).thenApply(s -> s != null);
    }

    /** {@code POST /admin/api/login} with {@code {"token": AUTH_TOKEN}}: starts a session. */
    public void login(Exchange exchange) throws Exception {
        HttpServerRequest req = request(exchange);
        String address = address(req);
        refuseWhileThrottled(address);
        String type = req.getHeader("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            // a cross-site form cannot send JSON without the browser asking first
            throw new AdminError(415, "Send the token as JSON: {\"token\": \"...\"}");
        }
        String body = exchange.getMessage().getBody(String.class);
        JsonNode node = body == null || body.isBlank() ? null : readTree(body);
        String token = node == null ? null : node.path("token").asText(null);
        if (!credential.matches(token)) {
            throttle.failed(address);
            long wait = throttle.retryAfterSeconds(address);
            throw new AdminError(401, "Wrong admin token" + (wait > 0 ? ": wait " + wait + " s before trying again" : ""));
        }
        throttle.succeeded(address);
        // a session id that existed before the login is never reused (session fixation)
        sessions.end(cookie(req.getHeader("Cookie")));
        AdminSessions.Session s = sessions.create();
        boolean secure = secure(req);
        AdminReply.json(exchange, json, 200, sessionBody(s));
        exchange.getMessage().setHeader("Set-Cookie", COOKIE + "=" + s.id() + "; Path=/admin; HttpOnly; SameSite=Strict; Max-Age="
                + s.maxAgeSeconds() + (secure ? "; Secure" : ""));
    }

    /** {@code POST /admin/api/logout}: ends the session (after {@link #process} let it through). */
    public void logout(Exchange exchange) {
        HttpServerRequest req = request(exchange);
        AdminSessions.Session s = exchange.getProperty(SESSION, AdminSessions.Session.class);
        if (s != null) {
            sessions.end(s.id());
        }
        AdminReply.json(exchange, json, 200, Map.of("loggedOut", s != null));
        exchange.getMessage().setHeader("Set-Cookie", COOKIE + "=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0"
                + (secure(req) ? "; Secure" : ""));
    }

    /** {@code GET /admin/api/session}: the CSRF token the page needs, while the session lives, and TIMEZONE. */
    public void session(Exchange exchange) {
        AdminSessions.Session s = exchange.getProperty(SESSION, AdminSessions.Session.class);
        Map<String, Object> body = s == null ? Map.of("bearer", true, "timezone", timezone.get().getId()) : sessionBody(s);
        AdminReply.json(exchange, json, 200, body);
    }

    private Map<String, Object> sessionBody(AdminSessions.Session s) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("csrfToken", s.csrf());
        body.put("expiresAt", s.expiresAt());
        // the zone the page shows times in (TIMEZONE), whatever the browser's own
        body.put("timezone", timezone.get().getId());
        return body;
    }

    private void refuseWhileThrottled(String address) {
        long wait = throttle.retryAfterSeconds(address);
        if (wait > 0) {
            throw AdminError.tooMany("Too many wrong admin tokens from your address: try again in " + wait + " s", wait);
        }
    }

    private JsonNode readTree(String body) {
        try {
            return json.readTree(body);
        } catch (Exception e) {
            throw AdminError.badRequest("Malformed JSON");
        }
    }

    static HttpServerRequest request(Exchange exchange) {
        if (exchange.getMessage() instanceof HttpMessage http && http.getRequest() != null) {
            return http.getRequest();
        }
        throw new AdminError(400, "Not an HTTP request");
    }

    private static boolean safe(String method) {
        return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
    }

    private static String bearer(String auth) {
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String t = auth.substring(7).trim();
            return t.isEmpty() ? null : t;
        }
        return null;
    }

    /** The session id from a Cookie header, or null. */
    static String cookie(String header) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String p = part.trim();
            if (p.startsWith(COOKIE + "=")) {
                String v = p.substring(COOKIE.length() + 1).trim();
                return v.isEmpty() ? null : v;
            }
        }
        return null;
    }

    private static String address(HttpServerRequest req) {
        return ClientAddress.of(req);
    }

    private static boolean secure(HttpServerRequest req) {
        if (req.isSSL()) {
            return true;
        }
        String proto = req.getHeader("X-Forwarded-Proto");
        return proto != null && proto.split(",")[0].trim().equalsIgnoreCase("https");
    }
}
