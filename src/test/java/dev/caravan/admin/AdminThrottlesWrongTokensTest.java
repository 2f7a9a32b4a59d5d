package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 6, access: guessing the admin token is slowed down. After five wrong tokens from one address within a
 * minute (at the login or as a Bearer token) that address gets 429 with Retry-After, even with the right token.
 */
class AdminThrottlesWrongTokensTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a");

    @Test
    void theSixthTryInAMinuteIsRefusedWith429() throws Exception {
        AdminClient admin = new AdminClient(gateway);
        for (int i = 0; i < 4; i++) {
            assertThat(admin.login("wrong-guess-" + i).statusCode()).isEqualTo(401);
        }
        // a wrong Bearer token counts too: scripts are no way around the limit
        assertThat(admin.bearer("GET", "/admin/api/keys", null, Gateway.TOKEN).statusCode()).isEqualTo(401);

        HttpResponse<String> right = admin.login(Gateway.ADMIN_TOKEN);
        HttpResponse<String> bearer = admin.bearer("GET", "/admin/api/keys", null, Gateway.ADMIN_TOKEN);

        assertThat(right.statusCode()).isEqualTo(429);
        assertThat(right.headers().firstValue("retry-after").map(Long::parseLong).orElseThrow()).isBetween(1L, 60L);
        assertThat(AdminClient.json(right).path("error").path("message").asText()).contains("Too many wrong admin tokens");
        assertThat(right.headers().firstValue("set-cookie")).isEmpty();
        assertThat(bearer.statusCode()).isEqualTo(429);
    }
}
