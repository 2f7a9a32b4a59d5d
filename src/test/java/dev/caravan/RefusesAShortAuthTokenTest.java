package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.config.Settings;
import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import dev.caravan.support.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, finding 5: one minimum length for AUTH_TOKEN everywhere. Start-up refuses a token the admin page would
 * refuse (shorter than {@value Settings#MIN_AUTH_TOKEN_LENGTH}), with a message that names AUTH_TOKEN and never
 * shows the token; a token of exactly the minimum starts and works.
 */
class RefusesAShortAuthTokenTest {

    private static final String SHORTEST = "exactly-16-chars";
    private static final String ONE_SHORT = "only-15-chars!!";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a").set("caravan.auth-token", SHORTEST);

    @Test
    void refusesToStartWithATokenOneCharacterShortAndNamesAuthToken() throws Exception {
        assertThat(ONE_SHORT).hasSize(Settings.MIN_AUTH_TOKEN_LENGTH - 1);
        Path folder = Files.createTempDirectory("caravan-short-token-");
        Properties p = new Properties();
        p.setProperty("caravan.port", String.valueOf(Gateway.freePort()));
        p.setProperty("caravan.auth-token", ONE_SHORT);
        p.setProperty("caravan.api-keys", "[\"secret-pool-key-1\"]");
        p.setProperty("caravan.sqlite-database", folder.resolve("caravan.db").toString());

        Throwable refused;
        try (LogCapture logs = LogCapture.everything()) {
            refused = catchThrowable(() -> new Caravan(p).start());
            assertThat(logs.lines()).noneMatch(l -> l.contains(ONE_SHORT));
        }

        assertThat(refused).isNotNull();
        assertThat(refused.getMessage()).contains("AUTH_TOKEN").contains("at least " + Settings.MIN_AUTH_TOKEN_LENGTH)
                .doesNotContain(ONE_SHORT);
        assertThat(folder.resolve("caravan.db")).as("refused before the database is opened").doesNotExist();
    }

    @Test
    void startsWithATokenOfExactlyTheMinimumAndTheAdminPageRefusesOneShorter() throws Exception {
        AdminClient admin = new AdminClient(gateway);
        assertThat(admin.login(SHORTEST).statusCode()).isEqualTo(200);

        HttpResponse<String> res = admin.put("/admin/api/settings", AdminClient.body("values", Map.of("AUTH_TOKEN", ONE_SHORT)));

        assertThat(res.statusCode()).isEqualTo(400);
        JsonNode fields = AdminClient.json(res).path("error").path("fields");
        assertThat(fields.path("AUTH_TOKEN").asText()).isEqualTo(Settings.authTokenTooShort());
        assertThat(res.body()).doesNotContain(ONE_SHORT);
        assertThat(admin.bearer("GET", "/admin/api/settings", null, SHORTEST).statusCode()).isEqualTo(200);
    }
}
