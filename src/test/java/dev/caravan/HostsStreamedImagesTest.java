package dev.caravan;

import static dev.caravan.support.GeneratedImageAnswers.PNG_BASE64;
import static dev.caravan.support.GeneratedImageAnswers.holdsPngAsFileField;
import static dev.caravan.support.GeneratedImageAnswers.postOpenAi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.LogCapture;
import dev.caravan.support.Rows;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With UPLOAD_PROVIDER set, a streamed chat answer's image is uploaded before the chunk that shows it is written: the
 * client reads the host's link, in its place among the chunks. The stream waits for the upload on a worker thread, so
 * the gateway keeps serving meanwhile and no event loop is blocked; a failed or slow upload writes the chunk with the
 * data URL and leaves an IMAGE_HOST_FAILED error-log row.
 */
class HostsStreamedImagesTest {

    private static final StubGemini SMMS = StubGemini.started();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMAGE_EVENT = "data: {\"candidates\": [{\"content\": {\"role\": \"model\", \"parts\": ["
            + "{\"inlineData\": {\"mimeType\": \"image/png\", \"data\": \"" + PNG_BASE64 + "\"}}]}, \"index\": 0}]}\r\n\r\n";
    private static final String LAST_EVENT = "data: {\"candidates\": [{\"content\": {\"role\": \"model\", \"parts\": ["
            + "{\"text\": \" Enjoy.\"}]}, \"finishReason\": \"STOP\", \"index\": 0}]}\r\n\r\n";
    private static final String STREAM = "{\"model\":\"gemini-3.1-flash-image-chat\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"a caravan\"}]}";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("image-key-a")
            .set("caravan.upload-provider", "smms")
            .set("caravan.smms-secret-token", "smms-token-3")
            .set("caravan.image-upload-timeout-seconds", "4")
            .set("caravan.smms-api-url", SMMS.baseUrl().replace("/v1beta", "") + "/api/v2/upload");

    @AfterAll
    static void stopHost() {
        SMMS.close();
    }

    @BeforeEach
    void googleStreamsAnImageBetweenTwoTexts() {
        SMMS.reset();
        SMMS.answer(r -> new StubGemini.Json(200,
                "{\"success\": true, \"code\": \"success\", \"data\": {\"url\": \"https://s2.loli.net/2026/s1.png\"}}"));
        gateway.stub().answer(r -> r.path().contains("streamGenerateContent")
                ? new StubGemini.Sse("text/event-stream",
                        List.of(GoogleBodies.sseEvent("Here it is:"), IMAGE_EVENT, LAST_EVENT), Duration.ofMillis(5), false)
                : new StubGemini.Json(200, GoogleBodies.generateContent("plain")));
    }

    @Test
    void streamedImageChunkCarriesTheHostsLinkInItsPlace() throws Exception {
        HttpResponse<String> res = postOpenAi(gateway, "/v1/chat/completions", STREAM);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).doesNotContain("base64").endsWith("data: [DONE]\n\n");
        assertThat(contents(res.body())).containsSubsequence("Here it is:",
                "![image](https://s2.loli.net/2026/s1.png)", "Enjoy.");
        assertThat(SMMS.received()).hasSize(1);
        assertThat(holdsPngAsFileField(SMMS.received().get(0).body(), "smfile")).isTrue();
        assertThat(gateway.stub().received().get(0).path())
                .isEqualTo("/v1beta/models/gemini-3.1-flash-image:streamGenerateContent");
    }

    @Test
    void failedUploadWritesTheDataUrlAndLogsWhy() throws Exception {
        SMMS.answer(r -> new StubGemini.Json(503, "{\"success\": false}"));

        HttpResponse<String> res = postOpenAi(gateway, "/v1/chat/completions", STREAM);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(contents(res.body())).containsSubsequence("Here it is:",
                "![image](data:image/png;base64," + PNG_BASE64 + ")", "Enjoy.");
        assertHostFailureLogged("HTTP 503");
    }

    @Test
    void slowUploadWaitsOnAWorkerWithinTheDeadlineWhileTheGatewayServesOthers() throws Exception {
        SMMS.answer(r -> new StubGemini.Delayed(Duration.ofSeconds(8), new StubGemini.Json(200, "{}")));
        try (LogCapture logs = LogCapture.warningsAndErrors()) {
            CompletableFuture<HttpResponse<String>> stream = CompletableFuture.supplyAsync(() -> {
                try {
                    return postOpenAi(gateway, "/v1/chat/completions", STREAM);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> SMMS.received().size() == 1);
            // the stream is parked on its upload: others are answered meanwhile
            for (int i = 0; i < 6; i++) {
                assertThat(postOpenAi(gateway, "/v1/chat/completions",
                        "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                        .statusCode()).isEqualTo(200);
            }
            assertThat(stream).isNotDone();

            HttpResponse<String> res = stream.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(contents(res.body())).containsSubsequence("Here it is:",
                    "![image](data:image/png;base64," + PNG_BASE64 + ")", "Enjoy.");
            assertThat(res.body()).endsWith("data: [DONE]\n\n");
            assertThat(logs.lines()).noneMatch(l -> l.contains("BlockedThreadChecker") || l.contains("has been blocked"));
        }
        assertHostFailureLogged("image host smms");
    }

    private static void assertHostFailureLogged(String why) {
        Rows.Db db = gateway::openDatabase;
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Map<String, Object>> rows = Rows.query(db,
                    "SELECT error_body FROM error_log WHERE error_type = 'IMAGE_HOST_FAILED'");
            assertThat(rows).isNotEmpty();
            assertThat((String) rows.get(rows.size() - 1).get("error_body")).contains(why)
                    .doesNotContain("smms-token-3");
        });
    }

    /** The content deltas of an OpenAI stream, in order. */
    private static List<String> contents(String sse) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode chunk = JSON.readTree(line.substring(6));
                for (JsonNode choice : chunk.path("choices")) {
                    String content = choice.path("delta").path("content").asText("").strip();
                    if (!content.isEmpty()) {
                        out.add(content);
                    }
                }
            }
        }
        return out;
    }
}
