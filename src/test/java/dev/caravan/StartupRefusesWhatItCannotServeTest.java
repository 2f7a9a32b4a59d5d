package dev.caravan;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Properties;

import dev.caravan.support.Gateway;
import org.junit.jupiter.api.Test;

class StartupRefusesWhatItCannotServeTest {

    private static Properties base(int port) {
        Properties p = new Properties();
        p.setProperty("caravan.port", String.valueOf(port));
        p.setProperty("caravan.auth-token", Gateway.ADMIN_TOKEN);
        p.setProperty("caravan.api-keys", "[\"secret-pool-key-1\"]");
        return p;
    }

    @Test
    void refusesToStartWhenASettingIsMalformedAndNamesTheVariable() throws Exception {
        Properties p = base(Gateway.freePort());
        p.setProperty("caravan.max-retries", "abc");

        assertThatThrownBy(() -> new Caravan(p).start())
                .hasMessageContaining("MAX_RETRIES")
                .hasMessageContaining("abc");
    }

    @Test
    void refusesToStartWhenKeysAreMalformedWithoutEchoingThem() throws Exception {
        Properties p = base(Gateway.freePort());
        p.setProperty("caravan.api-keys", "[\"secret-pool-key-1\", broken");

        assertThatThrownBy(() -> new Caravan(p).start())
                .hasMessageContaining("API_KEYS")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage()).doesNotContain("secret-pool-key-1"));
    }

    @Test
    void refusesCamelsPooledExchangesWhichCarryOneRequestsStateIntoAnother() throws Exception {
        Properties p = base(Gateway.freePort());
        p.setProperty("camel.main.exchange-factory", "pooled");

        assertThatThrownBy(() -> new Caravan(p).start())
                .hasMessageContaining("CAMEL_MAIN_EXCHANGE_FACTORY")
                .hasMessageContaining("pooled");
    }

    @Test
    void refusesToStartWhenThePortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            Properties p = base(taken.getLocalPort());

            assertThatThrownBy(() -> new Caravan(p).start())
                    .hasMessageContaining("port " + taken.getLocalPort())
                    .hasMessageContaining("PORT");
        }
    }
}
