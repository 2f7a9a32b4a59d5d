package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.support.Gateway;
import dev.caravan.support.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 5, settings: the precedence README states. A row of the settings table overrides the environment and
 * application.properties from the next start on, and says so in the log by name; deleting the row brings the
 * environment's value back; the database's own settings and the HTTP port cannot be overridden from the table.
 */
class SettingsTableOverridesTheEnvironmentTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a").set("caravan.max-retries", "4");

    @Test
    void aSavedValueWinsUntilItIsDeleted() throws Exception {
        var store = gateway.caravan().configuration().settingsStore();
        assertThat(gateway.caravan().configuration().settings().maxRetries()).isEqualTo(4);

        store.put("caravan.max-retries", "2");
        store.put("caravan.sqlite-database", "/elsewhere/other.db");
        store.put("caravan.port", "1");
        assertThat(store.get("caravan.max-retries")).contains("2");
        try (LogCapture log = LogCapture.everything()) {
            gateway.restart();

            assertThat(gateway.caravan().configuration().settings().maxRetries()).isEqualTo(2);
            assertThat(gateway.caravan().configuration().settings().sqliteDatabase()).isEqualTo(gateway.databaseFile().toString());
            assertThat(gateway.caravan().port()).isNotEqualTo(1);
            assertThat(log.lines()).anyMatch(l -> l.contains("settings table overrides") && l.contains("caravan.max-retries"))
                    .anyMatch(l -> l.contains("Ignoring caravan.sqlite-database in the settings table"))
                    .noneMatch(l -> l.contains("/elsewhere/other.db"));
        }

        assertThat(gateway.caravan().configuration().settingsStore().delete("caravan.max-retries")).isTrue();
        gateway.restart();

        assertThat(gateway.caravan().configuration().settings().maxRetries()).isEqualTo(4);
        assertThat(gateway.caravan().configuration().settingsStore().get("caravan.max-retries")).isEmpty();
    }

    @Test
    void aMalformedSavedValueStopsTheStartNamingTheTable() throws Exception {
        gateway.caravan().configuration().settingsStore().put("caravan.max-retries", "many");
        try {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(gateway::restart))
                    .hasMessageContaining("MAX_RETRIES").hasMessageContaining("settings table");
        } finally {
            // repair through the database itself, as an operator would, and start again
            try (var c = gateway.openDatabase(); var st = c.createStatement()) {
                st.execute("DELETE FROM settings WHERE setting_name = 'caravan.max-retries'");
            }
            gateway.restart();
        }
        assertThat(gateway.caravan().configuration().settings().maxRetries()).isEqualTo(4);
    }
}
