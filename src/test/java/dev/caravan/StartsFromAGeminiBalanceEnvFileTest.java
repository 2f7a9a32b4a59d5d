package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.config.Settings;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.LogCapture;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12: gemini-balance's own .env (every variable of its reference, src/test/resources/gemini-balance.env) is
 * Caravan's environment. As written it is refused for the one unsafe value, its 9-character AUTH_TOKEN, by name; with a
 * longer admin token (and SQLite, since its MySQL host is another machine's) Caravan starts, says in one warning line
 * which set variables it does not implement, and each honoured setting has its effect, checked at the stub Google.
 */
class StartsFromAGeminiBalanceEnvFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT = "sk-123456";
    private static final LogCapture LOG = LogCapture.warningsAndErrors();

    @RegisterExtension
    static final Gateway gateway = Gateway.withEnvironment(operatorsEnv());

    @AfterAll
    static void closeLog() {
        LOG.close();
    }

    /** gemini-balance.env with the two changes the README's "Moving from gemini-balance" asks for. */
    private static Map<String, String> operatorsEnv() {
        Map<String, String> env = geminiBalanceEnv();
        env.put("AUTH_TOKEN", "an-admin-token-of-32-characters!");
        env.put("DATABASE_TYPE", "sqlite");
        return env;
    }

    static Map<String, String> geminiBalanceEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        try (InputStream in = StartsFromAGeminiBalanceEnvFileTest.class.getResourceAsStream("/gemini-balance.env")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return env;
    }

    @Test
    void refusesTheShortAdminTokenOfTheFileAsWrittenByName() {
        Properties p = new Properties();
        p.setProperty("caravan.port", "0");
        p.setProperty("caravan.database-type", "sqlite");
        p.setProperty("caravan.sqlite-database", gateway.databaseFile().resolveSibling("refused.db").toString());

        assertThatThrownBy(() -> new Caravan(p, geminiBalanceEnv()).start())
                .hasMessageContaining("AUTH_TOKEN").hasMessageNotContaining(CLIENT);
    }

    @Test
    void readsEverySettingItHonoursWithGeminiBalancesMeaning() {
        Settings s = gateway.caravan().configuration().settings();

        assertThat(s.apiKeys()).hasSize(2);
        assertThat(s.allowedTokens()).containsExactly(CLIENT);
        assertThat(s.maxFailures()).isEqualTo(10);
        assertThat(s.maxRetries()).isEqualTo(3);
        assertThat(s.timeoutSeconds()).isEqualTo(300);
        assertThat(s.testModel()).isEqualTo("gemini-2.5-flash-lite");
        assertThat(s.checkIntervalHours()).as("0: no scheduled re-check, and start-up goes on").isZero();
        assertThat(s.searchModels()).containsExactly("gemini-2.5-flash", "gemini-2.5-pro");
        assertThat(s.filteredModels()).contains("chat-bison-001");
        assertThat(s.thinkingBudgetMap()).containsEntry("gemini-2.5-flash", -1);
        assertThat(s.customHeaders()).containsEntry("X-Relay-Team", "ops");
        assertThat(s.toolsCodeExecutionEnabled()).isTrue();
        assertThat(s.urlContextEnabled()).isTrue();
        assertThat(s.showSearchLink()).isTrue();
        assertThat(s.showThinkingProcess()).isTrue();
        assertThat(s.proxiesUseConsistencyHashByApiKey()).isTrue();
        assertThat(s.autoDeleteErrorLogsDays()).isEqualTo(7);
        assertThat(s.timezone()).isEqualTo(java.time.ZoneId.of("Asia/Shanghai"));
        assertThat(s.urlNormalizationEnabled()).isFalse();
        assertThat(s.logLevel()).isEqualTo("INFO");
    }

    @Test
    void warnsOnceByNameAboutWhatItDoesNotImplement() {
        List<String> lines = LOG.lines().stream().filter(l -> l.contains("does not implement")).toList();

        // one line per start (the class also starts once on the file as written, which is refused)
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).isEqualTo(lines.get(0)));
        assertThat(lines.get(0)).contains("MYSQL_SOCKET", "GITHUB_REPO_OWNER", "GITHUB_REPO_NAME")
                .doesNotContain("STREAM_OPTIMIZER_ENABLED", "URL_NORMALIZATION_ENABLED", "TIMEZONE", "API_KEYS")
                .doesNotContain("Asia/Shanghai", "snailyp", "/run/mysqld");
    }

    @Test
    void sendsANativeCallWithTheirKeysHeadersAndToolsAndTakesTheirClientToken() throws Exception {
        HttpResponse<String> res = native_("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi"));

        assertThat(res.statusCode()).isEqualTo(200);
        StubGemini.Received sent = gateway.stub().received().get(0);
        assertThat(sent.key()).startsWith("test-env-file-key-");
        assertThat(sent.header("X-Relay-Team")).as("CUSTOM_HEADERS").isEqualTo("ops");
        JsonNode tools = JSON.readTree(sent.body()).path("tools");
        assertThat(tools.toString()).as("TOOLS_CODE_EXECUTION_ENABLED and URL_CONTEXT_ENABLED")
                .contains("codeExecution").contains("urlContext");
    }

    @Test
    void servesTheSearchSuffixOnTheNativePathAndListsIt() throws Exception {
        native_("/v1beta/models/gemini-2.5-pro-search:generateContent", Gateway.prompt("news?"));
        StubGemini.Received sent = gateway.stub().received().get(0);
        assertThat(sent.path()).isEqualTo("/v1beta/models/gemini-2.5-pro:generateContent");
        assertThat(JSON.readTree(sent.body()).path("tools").toString()).contains("googleSearch");

        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.models()));
        HttpResponse<String> list = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1beta/models")))
                .header("x-goog-api-key", CLIENT).GET());
        assertThat(list.body()).contains("models/gemini-2.5-flash-search", "models/gemini-2.5-flash-non-thinking");
    }

    @Test
    void translatesAnOpenAiChatWithTheirSafetyAndThinkingSettings() throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + CLIENT).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")));

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode sent = JSON.readTree(gateway.stub().received().get(0).body());
        assertThat(sent.path("safetySettings")).hasSize(5);
        assertThat(sent.path("generationConfig").path("thinkingConfig").toString())
                .as("THINKING_BUDGET_MAP, with thoughts shown (SHOW_THINKING_PROCESS)")
                .isEqualTo("{\"thinkingBudget\":-1,\"includeThoughts\":true}");
    }

    @Test
    void answersHealthOnTheMainPortAsTheirComposeFileAsks() throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/health"))).GET());

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    private static HttpResponse<String> native_(String path, String body) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.url(path)))
                .header("x-goog-api-key", CLIENT).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
