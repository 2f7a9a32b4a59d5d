package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.Rows;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16: many requests at once, all served from the event loop, each get their own answer; Google gets each body
 * once; each request leaves one log row of its own, with its one attempt. Under Camel's pooled exchanges
 * (camel.main.exchange-factory = pooled, which Caravan refuses at start) a reused exchange carried an earlier
 * request's attempts into later rows.
 */
class KeepsConcurrentRequestsApartTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final Pattern MARK = Pattern.compile("request-\\d+-end");
    private static final int REQUESTS = 120;

    @Test
    void concurrentRequestsEachGetTheirOwnAnswerAndTheirOwnLogRow() throws Exception {
        // Google echoes the mark of the prompt it was sent
        gateway.stub().answer(r ->
                new StubGemini.Json(200, GoogleBodies.generateContent("echo " + mark(r.bodyText()))));

        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            sent.add(gateway.postAsync(FLASH, Gateway.prompt("request-" + i + "-end")));
        }

        for (int i = 0; i < REQUESTS; i++) {
            HttpResponse<String> res = sent.get(i).get(30, TimeUnit.SECONDS);
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).contains("echo request-" + i + "-end");
        }
        // each prompt reached Google once, with a key of the pool
        assertThat(gateway.stub().received()).hasSize(REQUESTS);
        assertThat(gateway.stub().received().stream().map(r -> mark(r.bodyText())).distinct()).hasSize(REQUESTS);
        assertThat(gateway.stub().keysSeen()).allMatch(key -> key.equals("key-a") || key.equals("key-b"));

        Rows.Db db = gateway::openDatabase;
        await().atMost(Duration.ofSeconds(10)).until(() -> Rows.count(db, "request_log") == REQUESTS);
        List<Map<String, Object>> rows =
                Rows.query(db, "SELECT request_id, status, attempt_count, attempts FROM request_log");
        assertThat(rows).allSatisfy(row -> {
            assertThat(row).containsEntry("status", 200).containsEntry("attempt_count", 1);
            assertThat((String) row.get("attempts")).startsWith("[{\"key\":").doesNotContain("},{");
        });
        assertThat(new HashSet<>(rows.stream().map(row -> row.get("request_id")).toList())).hasSize(REQUESTS);
        // Camel's exchange ids come from Caravan's generator (RequestIds): one start's prefix and a counter
        assertThat(rows).allSatisfy(row -> assertThat((String) row.get("request_id")).matches("[0-9a-f]{16}-[0-9]+"));
        assertThat(rows.stream().map(row -> ((String) row.get("request_id")).substring(0, 17)).distinct()).hasSize(1);
    }

    /** The request-N-end mark a prompt carries, or "none". */
    private static String mark(String body) {
        Matcher m = MARK.matcher(body);
        return m.find() ? m.group() : "none";
    }
}
