package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import dev.caravan.support.Gateway;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelContextTracker;
import org.junit.jupiter.api.Test;

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
}
