package dev.caravan.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Every variable of gemini-balance's configuration reference (the test's gemini-balance.env holds each with a value)
 * is in Caravan's inventory as honoured or not implemented, and the README's configuration table names each one; the
 * start-up warning names exactly the set ones that change something and are not implemented, never a value.
 */
class KnowsEveryGeminiBalanceVariableTest {

    /** gemini-balance.env as a map, in its order. */
    static Map<String, String> geminiBalanceEnv() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        try (InputStream in = KnowsEveryGeminiBalanceVariableTest.class.getResourceAsStream("/gemini-balance.env")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    @Test
    void hasEveryVariableOfTheReferenceAndNoOther() throws IOException {
        Map<String, String> env = geminiBalanceEnv();

        assertThat(GeminiBalanceVariables.all()).extracting(GeminiBalanceVariables.Variable::name)
                .containsExactlyInAnyOrderElementsOf(env.keySet());
        assertThat(GeminiBalanceVariables.all()).filteredOn(v -> v.status() == GeminiBalanceVariables.Status.NOT_IMPLEMENTED)
                .allSatisfy(v -> assertThat(v.reason()).as(v.name()).isNotBlank());
    }

    @Test
    void theReadmeTableNamesEveryVariable() throws IOException {
        String readme = Files.readString(Path.of("README.md"));

        assertThat(GeminiBalanceVariables.all()).allSatisfy(v -> assertThat(readme).as(v.name()).contains("`" + v.name() + "`"));
    }

    @Test
    void warnsOnceAboutWhatIsSetAndIgnoredByNameAlone() throws IOException {
        Map<String, String> env = geminiBalanceEnv();

        String warning = GeminiBalanceVariables.warning(env);

        assertThat(GeminiBalanceVariables.setButNotImplemented(env)).extracting(GeminiBalanceVariables.Variable::name)
                .as("switches set off, and the optimizer's settings while it is off, change nothing")
                .containsExactly("MYSQL_SOCKET", "OSS_ENDPOINT", "OSS_ENDPOINT_INNER", "OSS_ACCESS_KEY",
                        "OSS_ACCESS_KEY_SECRET", "OSS_BUCKET_NAME", "OSS_REGION", "GITHUB_REPO_OWNER", "GITHUB_REPO_NAME");
        assertThat(warning).doesNotContain("\n").contains("MYSQL_SOCKET", "OSS_ENDPOINT", "GITHUB_REPO_OWNER, GITHUB_REPO_NAME")
                .doesNotContain("/run/mysqld", "Asia/Shanghai", "snailyp");
        env.put("STREAM_OPTIMIZER_ENABLED", "True");
        assertThat(GeminiBalanceVariables.setButNotImplemented(env)).extracting(GeminiBalanceVariables.Variable::name)
                .as("the stream optimizer is honoured, switched on or off")
                .doesNotContain("STREAM_OPTIMIZER_ENABLED", "STREAM_MIN_DELAY", "STREAM_CHUNK_SIZE");
        assertThat(GeminiBalanceVariables.warning(Map.of("API_KEYS", "[]"))).as("nothing to say").isNull();
    }
}
