package dev.caravan.admin;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.caravan.security.ClientAddress;
import dev.caravan.security.GuessThrottle;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;

/**
 * Lets only the admin token (AUTH_TOKEN) through to the management server's paths that look inside Caravan
 * (Jolokia, the developer console): sent as {@code Authorization: Bearer AUTH_TOKEN}, or as the password of HTTP
 * Basic with any user name, which is what Hawtio's connect dialog sends. A client token is not an admin token.
 * Wrong tokens count towards the same {@link GuessThrottle} as the admin API, so this port cannot be used to guess
 * the token faster. The token is compared in constant time by {@link AdminCredential} and never logged or echoed.
 * Thread-safe.
 */
public final class ManagementAdminGuard implements AuthenticationHandler {

    private final AdminCredential credential;
    private final GuessThrottle throttle;

    public ManagementAdminGuard(AdminCredential credential, GuessThrottle throttle) {
        this.credential = credential;
        this.throttle = throttle;
    }

    /**
     * Puts this guard in front of {@code path} and everything under it, through the management server's own
     * authentication hook: Camel mounts it before the server's routes, so it answers from the first request and
     * before a request body is read.
     */
    public void guard(AuthenticationConfig config, String path) {
        AuthenticationConfig.AuthenticationConfigEntry entry = new AuthenticationConfig.AuthenticationConfigEntry();
        entry.setPath(path + "*");
        // the guard checks the token itself: Vert.x's authentication providers have no use here
        entry.setAuthenticationProviderFactory(vertx -> null);
        entry.setAuthenticationHandlerFactory(new AuthenticationConfig.AuthenticationHandlerFactory() {
            @Override
            public <T extends AuthenticationProvider> AuthenticationHandler createAuthenticationHandler(T provider) {
                return ManagementAdminGuard.this;
            }
        });
        config.getEntries().add(entry);
        config.setEnabled(true);
    }

    @Override
    public void handle(RoutingContext rc) {
        HttpServerRequest req = rc.request();
        String address = ClientAddress.of(req);
        long wait = throttle.retryAfterSeconds(address);
        if (wait > 0) {
            rc.response().putHeader("Retry-After", String.valueOf(wait));
            refuse(rc, 429, "Too many wrong admin tokens from your address: try again in " + wait + " s");
            return;
        }
        String token = presented(req.getHeader("Authorization"));
        if (token == null) {
            refuse(rc, 401, "Send the admin token (AUTH_TOKEN) as Authorization: Bearer, or as the Basic password");
            return;
        }
        if (!credential.matches(token)) {
            throttle.failed(address);
            refuse(rc, 401, "Not the admin token");
            return;
        }
        rc.next();
    }

    /** The token in a Bearer header, or the password in a Basic one; null when there is none. */
    static String presented(String authorization) {
        if (authorization == null) {
            return null;
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String t = authorization.substring(7).trim();
            return t.isEmpty() ? null : t;
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String userAndPassword;
            try {
                userAndPassword = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            int colon = userAndPassword.indexOf(':');
            String password = colon < 0 ? "" : userAndPassword.substring(colon + 1);
            return password.isEmpty() ? null : password;
        }
        return null;
    }

    /** Jolokia's own error shape, so Jolokia clients and Hawtio show the reason. */
    private static void refuse(RoutingContext rc, int status, String message) {
        if (status == 401) {
            // Bearer, not Basic: a Basic challenge would make browsers cache the token and send it cross-site
            rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"caravan-management\"");
        }
        rc.response().setStatusCode(status).putHeader("content-type", "application/json")
                .end("{\"status\":" + status + ",\"error_type\":\"java.lang.SecurityException\",\"error\":\""
                        + message + "\"}");
    }
}
