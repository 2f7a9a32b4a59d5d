package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.caravan.support.Gateway;
import dev.caravan.support.RefusedStart;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelContextTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Started where routes/ is not (another working directory, an empty or wrongly mounted folder), Camel loads no route
 * and starts all the same; Caravan then answered every API call with a 404 and held an event loop for half a minute
 * on each of their log rows. It refuses to start instead, naming the pattern, the missing routes and the folder it
 * ran in.
 */
class RefusesToStartWithoutItsRoutesTest {

    @TempDir
    Path folder;

    @Test
    void refusesARoutePatternThatFindsNoneOfItsRoutes() throws Exception {
        Files.createDirectories(folder.resolve("routes"));
        Properties p = new Properties();
        p.setProperty("caravan.port", String.valueOf(Gateway.freePort()));
        p.setProperty("camel.management.port", String.valueOf(Gateway.freePort()));
        p.setProperty("caravan.auth-token", Gateway.ADMIN_TOKEN);
        p.setProperty("caravan.sqlite-database", folder.resolve("caravan.db").toString());
        p.setProperty("caravan.custom-routes-dir", folder.resolve("custom-routes").toString());
        p.setProperty("camel.main.routes-include-pattern", "file:" + folder.resolve("routes") + "/*.camel.yaml");
        List<CamelContext> made = new ArrayList<>();
        CamelContextTracker tracker = new CamelContextTracker() {
            @Override
            public void contextCreated(CamelContext context) {
                made.add(context);
            }
        };
        tracker.open();
        try {
            assertThatThrownBy(() -> new Caravan(p).start())
                    .hasMessageContaining("CAMEL_MAIN_ROUTES_INCLUDE_PATTERN")
                    .hasMessageContaining("no loaded route consumes direct:upstream-call or direct:request-log-write")
                    .hasMessageContaining("0 routes loaded, running in " + Path.of("").toAbsolutePath());
        } finally {
            tracker.close();
        }
        assertThat(made).isNotEmpty().allMatch(CamelContext::isStopped);
    }

    @Test
    void exitsNonZeroAtOnceWhenStartedInAFolderWithoutRoutes() throws Exception {
        // application.properties is there, routes/ is empty: the state a wrong mount or a partial copy leaves
        Files.copy(Path.of("application.properties"), folder.resolve("application.properties"));
        Files.createDirectories(folder.resolve("routes/image-hosts"));

        RefusedStart refused = RefusedStart.run(folder, Map.of(
                "PORT", String.valueOf(Gateway.freePort()),
                "MANAGEMENT_PORT", String.valueOf(Gateway.freePort()),
                "SQLITE_DATABASE", folder.resolve("caravan.db").toString(),
                "AUTH_TOKEN", Gateway.ADMIN_TOKEN,
                "DATABASE_TYPE", "sqlite"), 45);

        assertThat(refused.ended()).as("ended within the time given").isTrue();
        assertThat(refused.exitValue()).isNotZero();
        assertThat(refused.errors()).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("Caravan did not start: Invalid CAMEL_MAIN_ROUTES_INCLUDE_PATTERN")
                .contains("0 routes loaded, running in " + folder.toRealPath())
                .contains("start Caravan in the folder that holds routes/ and application.properties");
    }
}
