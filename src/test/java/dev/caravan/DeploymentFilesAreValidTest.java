package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.caravan.support.RequiredTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Docker does not run here, so the deployment files are checked by parsers: the compose file's structure
 * always, and Debian's docker-compose, which validates the whole file, wherever it is installed (.ci/run
 * installs it; under CI=true its absence fails the test instead of skipping it).
 */
class DeploymentFilesAreValidTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void composeRunsCaravanAfterAHealthyMysqlWithADataVolume() throws Exception {
        Map<String, Object> compose = map(new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Path.of("docker-compose.yml"))));
        Map<String, Object> services = map(compose.get("services"));
        Map<String, Object> caravan = map(services.get("caravan"));
        Map<String, Object> mysql = map(services.get("mysql"));

        assertThat(map(map(caravan.get("depends_on")).get("mysql")).get("condition")).isEqualTo("service_healthy");
        assertThat(caravan.get("env_file")).isEqualTo(".env");
        assertThat((List<String>) caravan.get("volumes")).anyMatch(v -> v.endsWith(":/app/data"));
        assertThat(map(caravan.get("healthcheck")).get("test").toString()).contains("/observe/health");
        assertThat(map(mysql.get("healthcheck")).get("test").toString()).contains("mysqladmin ping");
        assertThat(mysql.get("image").toString()).startsWith("mysql:8");
        assertThat(map(compose.get("volumes"))).containsKeys("caravan-data", "mysql-data");
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeMountsTheOperatorsOwnRoutesWhereCaravanReadsThem() throws Exception {
        Map<String, Object> compose = map(new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Path.of("docker-compose.yml"))));
        Map<String, Object> caravan = map(map(compose.get("services")).get("caravan"));
        String dockerfile = Files.readString(Path.of("Dockerfile"));

        // a bind mount of the project's folder: the operator edits the files on the host, upgrades leave them alone
        assertThat((List<String>) caravan.get("volumes")).contains("./custom-routes:/app/custom-routes:ro");
        // the default folder, relative to the image's working directory, is the mount's target
        assertThat(Files.readString(Path.of("application.properties")))
                .contains("caravan.custom-routes-dir = {{env:CUSTOM_ROUTES_DIR:custom-routes}}");
        assertThat(dockerfile).containsPattern("(?m)^WORKDIR /app$");
        assertThat(dockerfile).containsPattern("(?m)^RUN mkdir -p .*\\bcustom-routes\\b.* && chown caravan .*/app/custom-routes\\b");
    }

    @Test
    void gitLeavesTheOperatorsRoutesFolderToThemButItsReadme() throws Exception {
        List<String> ignored = Files.readAllLines(Path.of(".gitignore"));

        assertThat(ignored).containsSubsequence("custom-routes/*", "!custom-routes/README.md");
        assertThat(Path.of("custom-routes", "README.md")).isRegularFile();
    }

    @Test
    void dockerfileBuildsInStagesAndRunsAsNonRootWithAHealthcheck() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));

        assertThat(dockerfile).containsPattern("(?m)^FROM .+ AS build$");
        assertThat(dockerfile).containsPattern("(?m)^COPY --from=build ");
        assertThat(dockerfile).containsPattern("(?m)^USER caravan$");
        assertThat(dockerfile).containsPattern("(?m)^HEALTHCHECK ");
    }

    @Test
    void envExampleNamesTheVariablesComposeNeeds() throws Exception {
        String example = Files.readString(Path.of(".env.example"));

        assertThat(example).contains("API_KEYS=", "ALLOWED_TOKENS=", "AUTH_TOKEN=", "MYSQL_PASSWORD=", "MYSQL_ROOT_PASSWORD=");
    }

    @Test
    void dockerComposeAcceptsTheFileWhereItIsInstalled(@TempDir Path dir) throws Exception {
        // a newcomer's machine may lack it (the test is skipped); CI installs it, and fails without it
        RequiredTools.require("the compose file's full validation needs Debian's docker-compose",
                Path.of("/usr/bin/docker-compose"));
        File tool = Path.of("/usr/bin/docker-compose").toFile();
        Files.copy(Path.of("docker-compose.yml"), dir.resolve("docker-compose.yml"));
        Files.copy(Path.of(".env.example"), dir.resolve(".env"));
        Process p = new ProcessBuilder(tool.getPath(), "-f", dir.resolve("docker-compose.yml").toString(), "config", "-q")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(ended).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }
}
