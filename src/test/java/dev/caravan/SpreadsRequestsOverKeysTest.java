package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DESIGN §3, selection: round robin over the eligible keys, even under concurrency. */
class SpreadsRequestsOverKeysTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b", "key-c");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @Test
    void sharesConcurrentRequestsEquallyAmongKeys() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("from " + r.key())));
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 60; i++) {
                String prompt = Gateway.prompt("request " + i);
                answers.add(clients.submit(() -> gateway.post(FLASH, prompt)));
            }
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> res = f.get();
                assertThat(res.statusCode()).isEqualTo(200);
                assertThat(res.body()).isIn(GoogleBodies.generateContent("from key-a"),
                        GoogleBodies.generateContent("from key-b"), GoogleBodies.generateContent("from key-c"));
            }
        } finally {
            clients.shutdownNow();
        }

        Map<String, Long> perKey = gateway.stub().keysSeen().stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(perKey).containsOnlyKeys("key-a", "key-b", "key-c");
        // every revolution of the cursor hands out each key once: 60 requests, 20 each
        assertThat(perKey.values()).containsOnly(20L);
        // each request reached Google once, with its own body
        assertThat(gateway.stub().received()).hasSize(60);
        assertThat(gateway.stub().received().stream().map(StubGemini.Received::bodyText).distinct()).hasSize(60);
    }
}
