package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.Gateway;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12, tool flags: TOOLS_CODE_EXECUTION_ENABLED adds codeExecution where the client named no tools (on both
 * surfaces), URL_CONTEXT_ENABLED adds urlContext for URL_CONTEXT_MODELS; a client's own functions or JSON output keep
 * them out. The OpenAI surface shows executableCode and codeExecutionResult parts as markdown code blocks, whole and
 * streamed; CUSTOM_HEADERS reach Google on every call, a route's own header of the same name winning.
 */
class AddsGoogleToolsAndShowsWhatTheyDidTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CODE_ANSWER = """
            {"candidates":[{"content":{"role":"model","parts":[
              {"text":"Let me compute."},
              {"executableCode":{"language":"PYTHON","code":"print(6*7)"}},
              {"codeExecutionResult":{"outcome":"OUTCOME_OK","output":"42\\n"}},
              {"text":"The answer is 42."}]},"finishReason":"STOP","index":0}]}
            """;

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("tools-key")
            .set("caravan.tools-code-execution-enabled", "true")
            .set("caravan.url-context-enabled", "true")
            .set("caravan.url-context-models", "[\"gemini-2.5-pro\"]")
            .set("caravan.custom-headers", "{\"X-Relay-Team\": \"ops\", \"X-Route-Wins\": \"operator\"}")
            .customRoute("route-header.camel.yaml", """
                    - route:
                        id: before-google-test
                        from:
                          uri: direct:before-google
                          steps:
                            - setHeader:
                                name: Caravan-Upstream-X-Route-Wins
                                constant: route
                    """);

    @Test
    void addsCodeExecutionToANativeRequestWithoutToolsAndSendsTheOperatorsHeaders() throws Exception {
        gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("6*7?"));

        StubGemini.Received sent = gateway.stub().received().get(0);
        assertThat(JSON.readTree(sent.body()).path("tools").toString()).isEqualTo("[{\"codeExecution\":{}}]");
        assertThat(sent.header("X-Relay-Team")).isEqualTo("ops");
        assertThat(sent.header("X-Route-Wins")).as("the operator's route sets it last").isEqualTo("route");
    }

    @Test
    void addsUrlContextOnlyForItsModels() throws Exception {
        gateway.post("/v1beta/models/gemini-2.5-pro:generateContent", Gateway.prompt("read https://example.com"));

        assertThat(JSON.readTree(gateway.stub().received().get(0).body()).path("tools").toString())
                .isEqualTo("[{\"codeExecution\":{}},{\"urlContext\":{}}]");
    }

    @Test
    void leavesAClientsFunctionsAndJsonRequestsAlone() throws Exception {
        String functions = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"x\"}]}],"
                + "\"tools\":[{\"functionDeclarations\":[{\"name\":\"f\"}]}]}";
        String json = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"x\"}]}],"
                + "\"generationConfig\":{\"responseMimeType\":\"application/json\"}}";

        gateway.post("/v1beta/models/gemini-2.5-pro:generateContent", functions);
        gateway.post("/v1beta/models/gemini-2.5-pro:generateContent", json);

        List<StubGemini.Received> sent = gateway.stub().received();
        assertThat(sent.get(0).bodyText()).as("byte for byte").isEqualTo(functions);
        assertThat(sent.get(1).bodyText()).isEqualTo(json);
    }

    @Test
    void showsExecutedCodeAndItsOutputInAnOpenAiAnswer() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, CODE_ANSWER));

        HttpResponse<String> res = chat(false);

        JsonNode sent = JSON.readTree(gateway.stub().received().get(0).body());
        assertThat(sent.path("tools").toString()).isEqualTo("[{\"codeExecution\":{}}]");
        assertThat(JSON.readTree(res.body()).path("choices").get(0).path("message").path("content").asText())
                .isEqualTo("Let me compute.\n\n```python\nprint(6*7)\n```\n\n```\n42\n```\n\nThe answer is 42.");
    }

    @Test
    void showsExecutedCodeInAStreamedOpenAiAnswer() throws Exception {
        String event = "data: " + CODE_ANSWER.replace("\n", "") + "\r\n\r\n";
        gateway.stub().answer(r -> new StubGemini.Sse("text/event-stream", List.of(event), java.time.Duration.ZERO, false));

        HttpResponse<String> res = chat(true);

        StringBuilder content = new StringBuilder();
        for (String line : res.body().split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode delta = JSON.readTree(line.substring(6)).path("choices").path(0).path("delta");
                content.append(delta.path("content").asText(""));
            }
        }
        assertThat(content.toString()).contains("```python\nprint(6*7)\n```", "```\n42\n```", "The answer is 42.");
    }

    private static HttpResponse<String> chat(boolean stream) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + Gateway.TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gemini-2.5-flash\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"6*7?\"}]}")));
    }
}
