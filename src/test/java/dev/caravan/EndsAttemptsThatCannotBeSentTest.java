package dev.caravan;

import static dev.caravan.support.GoogleEnvelope.assertGoogleError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyState;
import dev.caravan.support.Gateway;
import dev.caravan.support.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, finding 1: an attempt the HTTP client refuses before anything is sent (here a header value with a
 * character HTTP forbids, set by an operator's route) ends at once with a clear 500: no worker thread waits, no
 * key is struck or tried after it, Google gets nothing, and the log gets one line without a stack trace, not one
 * per request.
 */
class EndsAttemptsThatCannotBeSentTest {

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";
    /** More requests than the test gateway has workers (64): none may keep one. */
    private static final int REQUESTS = 80;

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("unsent-key-a", "unsent-key-b", "unsent-key-c")
            .set("caravan.max-retries", "3")
            // an operator's header whose value holds a vertical tab, which HTTP forbids in a header
            .customRoute("unsendable-header.camel.yaml", """
                    - route:
                        id: before-google
                        from:
                          uri: direct:before-google
                          steps:
                            - setHeader:
                                name: Caravan-Upstream-X-Tag
                                constant: "tag\\vsecret-ish"
                    """);

    @Test
    void endsAtOnceWithA500WithoutStrikingOrTryingAnotherKey() throws Exception {
        try (LogCapture log = LogCapture.everything()) {
            HttpResponse<String> res = gateway.post(FLASH, Gateway.prompt("hi"));

            String message = assertGoogleError(res, 500, "INTERNAL");
            assertThat(message).contains("could not be sent");
            assertThat(gateway.stub().received()).isEmpty();
            for (ApiKey k : gateway.pool().keys()) {
                assertThat(k.state()).isEqualTo(KeyState.ACTIVE);
                assertThat(k.strikes()).isZero();
            }
            assertThat(log.lines()).noneMatch(l -> l.contains("\tat ") || l.contains("secret-ish"));
        }
    }

    @Test
    void manyAtOnceAllEndAndTheLogSaysSoOnce() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try (LogCapture log = LogCapture.everything()) {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                answers.add(threads.submit(() -> gateway.post(FLASH, Gateway.prompt("hi"))));
            }
            for (Future<HttpResponse<String>> f : answers) {
                assertThat(f.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(500);
            }
            assertThat(gateway.stub().received()).isEmpty();
            assertThat(gateway.pool().keys()).allSatisfy(k -> assertThat(k.strikes()).isZero());
            assertThat(log.lines().stream().filter(l -> l.contains("could not be sent")).count()).isLessThanOrEqualTo(1);
            assertThat(log.lines()).noneMatch(l -> l.contains("\tat "));
        } finally {
            threads.shutdownNow();
        }
    }
}
