package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.util.Map;
import java.util.Properties;

import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import dev.caravan.storage.RetentionSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TIMEZONE (gemini-balance's name): the daily log retention's midnight is in it, the admin page is told it at login
 * and in its session so that it shows every time in it, and a zone that does not exist stops start-up by name.
 */
class RunsRetentionAndShowsTimesInTimezoneTest {

    /** A zone other than the JVM's, so that the test proves which one is used. */
    private static final String ZONE = ZoneId.systemDefault().getId().equals("Asia/Tokyo") ? "America/Denver" : "Asia/Tokyo";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("tz-key-a").set("caravan.timezone", ZONE);

    @Test
    void theRetentionsMidnightIsInTheZone() {
        RetentionSchedule schedule = gateway.caravan().context().getRegistry()
                .lookupByNameAndType("retentionSchedule", RetentionSchedule.class);

        assertThat(schedule.zone()).isEqualTo(ZoneId.of(ZONE));
        // the maintenance route asks it every minute before it deletes anything
        assertThat(gateway.caravan().context().getRoute("maintenance-retention-timer")).isNotNull();
        assertThat(gateway.caravan().context().getRoute("maintenance-retention-timer").getEndpoint().getEndpointUri())
                .contains("period=1m");
    }

    @Test
    void theAdminPageIsToldTheZoneAtLoginAndInItsSession() throws Exception {
        AdminClient admin = new AdminClient(gateway);

        assertThat(AdminClient.json(admin.login(Gateway.ADMIN_TOKEN)).path("timezone").asText()).isEqualTo(ZONE);
        assertThat(AdminClient.json(admin.get("/admin/api/session")).path("timezone").asText()).isEqualTo(ZONE);
        assertThat(AdminClient.json(admin.bearer("GET", "/admin/api/session", null, Gateway.ADMIN_TOKEN))
                .path("timezone").asText()).isEqualTo(ZONE);
    }

    @Test
    void aZoneThatDoesNotExistStopsStartUpByName() {
        Properties p = new Properties();
        p.setProperty("caravan.port", "0");
        p.setProperty("caravan.sqlite-database", gateway.databaseFile().resolveSibling("refused-tz.db").toString());

        assertThatThrownBy(() -> new Caravan(p, Map.of("TIMEZONE", "Mars/Olympus_Mons")).start())
                .hasMessageContaining("TIMEZONE").hasMessageContaining("Mars/Olympus_Mons");
    }
}
