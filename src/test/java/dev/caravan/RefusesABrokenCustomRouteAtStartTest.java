package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import dev.caravan.support.Gateway;
import dev.caravan.support.RefusedStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 §4: a broken file in the operators' folder stops start-up with one line that names the file, where in it
 * and Camel's own reason, and the process exits non-zero.
 */
class RefusesABrokenCustomRouteAtStartTest {

    @TempDir
    Path folder;
    @TempDir
    Path data;

    private Properties settings() throws Exception {
        Properties p = new Properties();
        p.setProperty("caravan.port", String.valueOf(Gateway.freePort()));
        p.setProperty("camel.management.port", String.valueOf(Gateway.freePort()));
        p.setProperty("caravan.auth-token", Gateway.ADMIN_TOKEN);
        p.setProperty("caravan.api-keys", "[\"secret-pool-key-1\"]");
        p.setProperty("caravan.sqlite-database", data.resolve("caravan.db").toString());
        p.setProperty("caravan.custom-routes-dir", folder.toString());
        return p;
    }

    private Path write(String name, String yaml) throws Exception {
        return Files.writeString(folder.resolve(name), yaml);
    }

    private static String route(String id, String step) {
        return """
                - route:
                    id: %s
                    from:
                      uri: platform-http:/custom/ping
                      steps:
                        - %s
                """.formatted(id, step);
    }

    @Test
    void refusesInvalidYamlNamingTheFileAndLine() throws Exception {
        Path file = write("ping.yaml", "- route:\n    id: custom-ping\n    from: [platform-http:/custom/ping\n");

        assertThatThrownBy(() -> new Caravan(settings()).start())
                .hasMessage("Caravan did not start: route file " + file + ", line 4, column 1: expected ',' or ']',"
                        + " but got <stream end> (while parsing a flow sequence, line 3, column 11)");
    }

    @Test
    void refusesAnUnknownStepNamingTheFileAndLine() throws Exception {
        Path file = write("ping.yaml", route("custom-ping", "frobnicate: {constant: x}"));

        assertThatThrownBy(() -> new Caravan(settings()).start())
                .hasMessage("Caravan did not start: route file " + file + ", line 6, column 11: Unknown node id: frobnicate");
    }

    @Test
    void refusesARouteIdThatAShippedRouteAlreadyHas() throws Exception {
        Path file = write("ping.yaml", route("gemini-request", "setBody: {constant: x}"));

        assertThatThrownBy(() -> new Caravan(settings()).start())
                .hasMessage("Caravan did not start: route file " + file + ", route id gemini-request (also in"
                        + " routes/gemini.camel.yaml): Duplicate route ids detected: gemini-request. Please correct ids"
                        + " to be unique among all your routes.");
    }

    @Test
    void refusesARouteIdUsedInTwoOfItsFiles() throws Exception {
        Path first = write("a.yaml", route("custom-ping", "setBody: {constant: a}"));
        Path second = write("b.yaml", route("custom-ping", "setBody: {constant: b}").replace("/custom/ping", "/custom/pong"));

        assertThatThrownBy(() -> new Caravan(settings()).start())
                .hasMessageStartingWith("Caravan did not start: route file " + second + ", route id custom-ping (also in "
                        + first + "): Duplicate route ids detected: custom-ping");
    }

    @Test
    void refusesAReferenceToAMissingBeanNamingTheRouteAndStep() throws Exception {
        Path file = write("ping.yaml", route("custom-ping", "process: {ref: noSuchBean}"));

        assertThatThrownBy(() -> new Caravan(settings()).start())
                .hasMessage("Caravan did not start: route file " + file + ", route custom-ping, at process[ref:noSuchBean]:"
                        + " No bean could be found in the registry for: noSuchBean of type: org.apache.camel.Processor");
    }

    @Test
    void refusesAFileThatIsNotAListOfRoutes() throws Exception {
        // Camel itself would skip this file without a word
        Path file = write("ping.yaml", "route:\n  id: custom-ping\n");

        assertThatThrownBy(() -> new Caravan(settings()).start())
                .hasMessage("Caravan did not start: route file " + file + ": is a YAML mapping, not a list of routes,"
                        + " so Camel would skip it silently; a route file is a list (\"- route: ...\")");
    }

    @Test
    void refusesAFileWithoutRoutes() throws Exception {
        Path file = write("ping.yaml", "# to do\n");

        assertThatThrownBy(() -> new Caravan(settings()).start())
                .hasMessageStartingWith("Caravan did not start: route file " + file + ": holds no routes");
    }

    @Test
    void refusesAYmlFileThatCamelWouldNotRead() throws Exception {
        Path file = write("ping.yml", route("custom-ping", "setBody: {constant: x}"));

        assertThatThrownBy(() -> new Caravan(settings()).start())
                .hasMessage("Caravan did not start: route file " + file + ": Camel loads route files ending in .yaml only;"
                        + " rename it to ping.yaml");
    }

    @Test
    void refusesAFolderSettingThatIsAFile() throws Exception {
        Properties p = settings();
        p.setProperty("caravan.custom-routes-dir", write("not-a-folder", "").toString());

        assertThatThrownBy(() -> new Caravan(p).start())
                .hasMessageContaining("CUSTOM_ROUTES_DIR")
                .hasMessageContaining("not a folder");
    }

    @Test
    void exitsNonZeroWithOneLineNamingTheFile() throws Exception {
        Path file = write("ping.yaml", route("custom-ping", "frobnicate: {constant: x}"));

        RefusedStart refused = RefusedStart.run(Path.of(""), Map.of(
                "CUSTOM_ROUTES_DIR", folder.toString(),
                "PORT", String.valueOf(Gateway.freePort()),
                "MANAGEMENT_PORT", String.valueOf(Gateway.freePort()),
                "SQLITE_DATABASE", data.resolve("caravan.db").toString(),
                "AUTH_TOKEN", Gateway.ADMIN_TOKEN,
                "DATABASE_TYPE", "sqlite"), 90);

        assertThat(refused.ended()).as("ended within the time given").isTrue();
        assertThat(refused.exitValue()).isNotZero();
        assertThat(refused.errors()).containsExactly(
                "Caravan did not start: route file " + file + ", line 6, column 11: Unknown node id: frobnicate");
    }
}
