package dev.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, finding 6: the management port (health, metrics, info; no authentication of its own) listens on
 * loopback unless MANAGEMENT_HOST names another address, and /observe/info tells the Camel context and versions but
 * not the process id, the user or the working directory. Before, it listened on every interface and
 * /observe/info showed all three. Where each port listens is read from the kernel's table of sockets
 * (/proc/net/tcp and tcp6), so no traffic leaves loopback to find out.
 */
class KeepsTheManagementPortPrivateTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a");

    @Test
    void listensOnLoopbackOnlyWhileTheMainPortListensEverywhere() throws Exception {
        int management = URI.create(gateway.managementUrl("/")).getPort();

        List<String> managementAddresses = listening(management);
        List<String> mainAddresses = listening(gateway.caravan().port());

        assertThat(managementAddresses).isNotEmpty().allMatch(KeepsTheManagementPortPrivateTest::loopback);
        assertThat(mainAddresses).anyMatch(a -> a.matches("0+"));
        assertThat(Files.readString(Path.of("application.properties")))
                .contains("camel.management.host = {{env:MANAGEMENT_HOST:127.0.0.1}}");
        assertThat(get(gateway.managementUrl("/observe/health")).statusCode()).isEqualTo(200);
    }

    @Test
    void infoTellsTheContextAndVersionsButNothingOfTheProcess() throws Exception {
        HttpResponse<String> res = get(gateway.managementUrl("/observe/info"));

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode info = new ObjectMapper().readTree(res.body());
        assertThat(info.at("/camel/name").asText()).isEqualTo("caravan");
        assertThat(info.at("/camel/version").asText()).startsWith("4.");
        assertThat(info.at("/java/version").asText()).isEqualTo(System.getProperty("java.version"));
        assertThat(res.body()).doesNotContain("\"pid\"", "\"user\"", "\"dir\"", "\"home\"",
                "\"" + System.getProperty("user.dir") + "\"", "\"" + System.getProperty("user.name") + "\"",
                ":" + ProcessHandle.current().pid() + ",", ":" + ProcessHandle.current().pid() + "}");
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    /** The local addresses (as the kernel writes them, hex) of the sockets listening on {@code port}. */
    private static List<String> listening(int port) throws Exception {
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        List<String> addresses = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                // sl, local_address, rem_address, st; 0A is LISTEN
                if (f.length > 3 && f[3].equals("0A") && f[1].endsWith(":" + hexPort)) {
                    addresses.add(f[1].substring(0, f[1].indexOf(':')));
                }
            }
        }
        return addresses;
    }

    /** 127.0.0.0/8 (little-endian hex), ::1, or an IPv4-mapped 127.x address. */
    private static boolean loopback(String hex) {
        return hex.length() == 8 ? hex.endsWith("7F")
                : hex.equals("00000000000000000000000001000000") || hex.matches("0000000000000000FFFF0000.{6}7F");
    }
}
