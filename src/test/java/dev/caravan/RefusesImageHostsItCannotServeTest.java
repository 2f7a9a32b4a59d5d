package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.nio.file.Path;
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
 * UPLOAD_PROVIDER names a host Caravan can upload to, or Caravan does not start: aliyun_oss (no shipped route speaks
 * OSS), a shipped host without its credential, or a name no route serves.
 */
class RefusesImageHostsItCannotServeTest {

    private static Properties base() throws Exception {
        Properties p = new Properties();
        p.setProperty("caravan.port", String.valueOf(Gateway.freePort()));
        p.setProperty("camel.management.port", String.valueOf(Gateway.freePort()));
        p.setProperty("caravan.auth-token", Gateway.ADMIN_TOKEN);
        p.setProperty("caravan.sqlite-database", java.nio.file.Files.createTempDirectory("caravan-host-")
                .resolve("caravan.db").toString());
        return p;
    }

    @Test
    void refusesAliyunOssAndSaysWhatToDoInstead() throws Exception {
        Properties p = base();
        p.setProperty("caravan.upload-provider", "aliyun_oss");

        assertThatThrownBy(() -> new Caravan(p).start())
                .hasMessageContaining("UPLOAD_PROVIDER")
                .hasMessageContaining("aliyun_oss is not supported")
                .hasMessageContaining("custom-routes/");
    }

    @Test
    void namesTheCredentialAShippedHostNeeds() throws Exception {
        Properties p = base();
        p.setProperty("caravan.upload-provider", "smms");

        assertThatThrownBy(() -> new Caravan(p).start())
                .hasMessageContaining("SMMS_SECRET_TOKEN");
    }

    @Test
    void refusesAHostNoRouteServes() throws Exception {
        Properties p = base();
        p.setProperty("caravan.upload-provider", "my_host");
        // this refusal comes once the routes have started: the context must stop, not serve on unseen
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
                    .hasMessageContaining("UPLOAD_PROVIDER")
                    .hasMessageContaining("no route consumes direct:image-host-my-host");
        } finally {
            tracker.close();
        }
        assertThat(made).isNotEmpty().allMatch(CamelContext::isStopped);
    }

    @Test
    void exitsNonZeroAtOnceWhenRunAsAProcess(@TempDir Path data) throws Exception {
        // the refusal comes after Camel's run() has started the routes: it used to log it, leave the context running,
        // and exit with status 0 a minute later, when the shutdown hook gave up waiting
        RefusedStart refused = RefusedStart.run(Path.of(""), Map.of(
                "UPLOAD_PROVIDER", "my_host",
                "CUSTOM_ROUTES_DIR", data.resolve("custom-routes").toString(),
                "PORT", String.valueOf(Gateway.freePort()),
                "MANAGEMENT_PORT", String.valueOf(Gateway.freePort()),
                "SQLITE_DATABASE", data.resolve("caravan.db").toString(),
                "AUTH_TOKEN", Gateway.ADMIN_TOKEN,
                "DATABASE_TYPE", "sqlite"), 45);

        assertThat(refused.ended()).as("ended within the time given").isTrue();
        assertThat(refused.exitValue()).isNotZero();
        assertThat(refused.errors()).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("Caravan did not start: Invalid UPLOAD_PROVIDER")
                .contains("no route consumes direct:image-host-my-host");
    }
}
