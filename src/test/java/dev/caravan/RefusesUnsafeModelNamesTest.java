package dev.caravan;

import static dev.caravan.support.GoogleEnvelope.assertGoogleError;
import static dev.caravan.support.OpenAiEnvelope.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyState;
import dev.caravan.support.Gateway;
import dev.caravan.support.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, finding 1: a client's model name reaches Google's URL on every surface, so every surface checks it
 * against what Google accepts before any key is used. Each attack (64 KB, a space, CR/LF, a path that climbs to
 * another resource, a query that adds a key) is a 400 in the caller's dialect: nothing reaches Google, no key is
 * struck or cooled or counted, and nothing of the name is written to the log (CR/LF would forge log lines).
 */
class RefusesUnsafeModelNamesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("unsafe-model-key-a", "unsafe-model-key-b", "unsafe-model-key-c");

    /** The attacks of finding 1; "FORGED" marks what a CR/LF would turn into a log line of its own. */
    static List<String> attacks() {
        return List.of("a".repeat(64 * 1024), "gemini 2.5 flash", "gemini-2.5-flash\r\nFORGED WARN line",
                "gemini-2.5-flash\nFORGED", "../../v1beta/files?x=", "gemini-2.5-flash?key=x&",
                "gemini-2.5-flash:generateContent?key=x&", "models/../../files", "/gemini-2.5-flash");
    }

    private LogCapture log;
    private Map<String, Map<String, Long>> usageBefore;

    @BeforeEach
    void captureLogAndUsage() {
        log = LogCapture.everything();
        usageBefore = usage();
    }

    private static Map<String, Map<String, Long>> usage() {
        Map<String, Map<String, Long>> out = new HashMap<>();
        for (ApiKey k : gateway.pool().keys()) {
            out.put(k.fingerprint(), k.usageOn(gateway.pool().today()));
        }
        return out;
    }

    @AfterEach
    void stopCapture() {
        log.close();
    }

    @ParameterizedTest
    @MethodSource("attacks")
    void chatCompletionsRefuseTheModelWith400NamingIt(String model) throws Exception {
        HttpResponse<String> res = openAi("/v1/chat/completions",
                body(model, "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"));

        assertRefusedInOpenAiShape(res);
    }

    @ParameterizedTest
    @MethodSource("attacks")
    void streamedChatCompletionsRefuseTheModelWith400NamingIt(String model) throws Exception {
        HttpResponse<String> res = openAi("/v1/chat/completions",
                body(model, "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"));

        assertRefusedInOpenAiShape(res);
    }

    @ParameterizedTest
    @MethodSource("attacks")
    void embeddingsRefuseTheModelWith400NamingIt(String model) throws Exception {
        HttpResponse<String> res = openAi("/v1/embeddings", body(model, "\"input\":\"hi\""));

        assertRefusedInOpenAiShape(res);
    }

    @ParameterizedTest
    @MethodSource("attacks")
    void imageGenerationsRefuseTheModelWith400NamingIt(String model) throws Exception {
        HttpResponse<String> res = openAi("/v1/images/generations", body(model, "\"prompt\":\"a cat\""));

        assertRefusedInOpenAiShape(res);
    }

    @ParameterizedTest
    @MethodSource("attacks")
    void thePassThroughRefusesTheModelOfItsBodyWith400NamingIt(String model) throws Exception {
        HttpResponse<String> res = openAi("/openai/v1/chat/completions",
                body(model, "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"));

        assertRefusedInOpenAiShape(res);
    }

    @ParameterizedTest
    @MethodSource("attacks")
    void retrievingAModelRefusesTheId(String model) throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/models/"
                + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20"))))
                .header("Authorization", "Bearer " + Gateway.TOKEN).GET());

        // an id too long for the request line is refused by the HTTP server itself (414), the rest by the surface
        assertThat(res.statusCode()).as(res.body()).isIn(400, 404, 414);
        if (res.statusCode() != 414) {
            assertOpenAiError(res, res.statusCode(), "invalid_request_error");
        }
        assertNothingUpstreamNoKeyTouchedNothingLogged();
    }

    @ParameterizedTest
    @MethodSource("attacks")
    void theGeminiSurfaceRefusesTheModelOfItsPath(String model) throws Exception {
        HttpResponse<String> res = gateway.post("/v1beta/models/"
                + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20") + ":generateContent",
                Gateway.prompt("hi"));

        assertThat(res.statusCode()).as(res.body()).isIn(400, 404, 414);
        if (res.statusCode() != 414) {
            assertGoogleError(res, res.statusCode(), res.statusCode() == 400 ? "INVALID_ARGUMENT" : "NOT_FOUND");
        }
        assertNothingUpstreamNoKeyTouchedNothingLogged();
    }

    @Test
    void aValidModelStillReachesGoogleOnEachSurface() throws Exception {
        assertThat(openAi("/v1/chat/completions", body("gemini-2.5-flash",
                "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]")).statusCode()).isEqualTo(200);
        assertThat(openAi("/v1/chat/completions", body("models/gemini-2.5-flash",
                "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]")).statusCode()).isEqualTo(200);
        assertThat(gateway.stub().received()).extracting(r -> r.path())
                .containsOnly("/v1beta/models/gemini-2.5-flash:generateContent");
    }

    private static String body(String model, String rest) throws Exception {
        return "{\"model\":" + JSON.writeValueAsString(model) + "," + rest + "}";
    }

    private static HttpResponse<String> openAi(String path, String body) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.url(path)))
                .header("Authorization", "Bearer " + Gateway.TOKEN)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private void assertRefusedInOpenAiShape(HttpResponse<String> res) throws Exception {
        JsonNode error = assertOpenAiError(res, 400, "invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo("model");
        // the answer names the rule, and never echoes a 64 KB name back
        assertThat(res.body().length()).isLessThan(1024);
        assertNothingUpstreamNoKeyTouchedNothingLogged();
    }

    private void assertNothingUpstreamNoKeyTouchedNothingLogged() {
        assertThat(gateway.stub().received()).isEmpty();
        for (ApiKey k : gateway.pool().keys()) {
            assertThat(k.state()).isEqualTo(KeyState.ACTIVE);
            assertThat(k.strikes()).isZero();
            assertThat(k.cooldowns()).isEmpty();
        }
        assertThat(usage()).as("attempts counted per key and model").isEqualTo(usageBefore);
        assertThat(log.lines()).noneMatch(l -> l.contains("FORGED") || l.contains("aaaaaaaaaaaaaaaa")
                || l.contains("v1beta/files") || l.contains("key=x"));
    }
}
