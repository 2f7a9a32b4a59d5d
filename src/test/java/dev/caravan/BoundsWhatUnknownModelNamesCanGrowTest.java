package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.caravan.keys.ApiKey;
import dev.caravan.models.KnownModels;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, finding 4: model names come from clients, so nothing keyed by them may grow with the number of names a
 * client invents. Metric labels name only models the gateway knows (configured, listed by Google, or answered by
 * Google as a real model), the rest count as "other", and the names learned from Google are capped; each key's use
 * per model and its cool-downs per model stay bounded.
 */
class BoundsWhatUnknownModelNamesCanGrowTest {

    private static final int NAMES = 500;
    /** Enough names to pass every cap (100 learned models, 64 per key), fewer requests than NAMES. */
    private static final int PAST_THE_CAPS = 200;
    /** What invented names may add to a scrape: the "other" series, a few KB, never a series per name. */
    private static final int GROWTH_BOUND_BYTES = 32 * 1024;
    /** A scrape with every label the cap allows (about 8 KB per model: a histogram per surface): under 2 MB. */
    private static final int METRICS_BOUND_BYTES = 2 * 1024 * 1024;

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("bounds-key-a", "bounds-key-b", "bounds-key-c");

    @Test
    void fiveHundredUnknownModelsCountAsOtherAndLeaveTheMetricsAsTheyWere() throws Exception {
        // what Google answers for a model it does not have
        gateway.stub().answer(r -> new StubGemini.Json(404, GoogleBodies.notFound()));
        double before = requestsLabelled("other");
        int bytesBefore = metrics().length();

        postEach("invented-model-", NAMES, 404);

        await().atMost(Duration.ofSeconds(30)).until(() -> requestsLabelled("other") >= before + NAMES);
        String metrics = metrics();
        assertThat(metrics).doesNotContain("invented-model-");
        assertThat(metrics.length() - bytesBefore).isLessThan(GROWTH_BOUND_BYTES);
        assertThat(gateway.stub().received()).hasSize(NAMES);
        for (ApiKey k : gateway.pool().keys()) {
            assertThat(k.usageOn(gateway.pool().today()).keySet()).noneMatch(m -> m.startsWith("invented-model-"));
        }
    }

    @Test
    void modelsGoogleAnsweredGetTheirOwnLabelUpToAHardCap() throws Exception {
        // a stub that answers every name: the worst case, which only the cap bounds
        postEach("answered-model-", PAST_THE_CAPS, 200);

        await().atMost(Duration.ofSeconds(30)).until(() -> requests("status=\"200\"") >= PAST_THE_CAPS);
        String metrics = metrics();
        // names a quota answer taught (the next test's) count against the same cap
        assertThat(labelled(metrics, "answered-model-") + labelled(metrics, "cooled-model-"))
                .isBetween(1L, (long) KnownModels.MAX_LEARNED);
        assertThat(metrics.length()).isLessThan(METRICS_BOUND_BYTES);
        for (ApiKey k : gateway.pool().keys()) {
            assertThat(k.usageOn(gateway.pool().today()).size()).isLessThanOrEqualTo(KnownModels.MAX_LEARNED + 8);
        }
    }

    @Test
    void theCallThatTeachesAModelCountsUnderItsName() throws Exception {
        // the first call for a model Google has: counted under its name on the key, as every later call is
        gateway.stub().answer(r -> new StubGemini.Json(200, GoogleBodies.generateContent("ok")));
        long otherBefore = usageSummed("other");

        assertThat(gateway.post("/v1beta/models/brand-new-model:generateContent", Gateway.prompt("hi")).statusCode())
                .isEqualTo(200);

        assertThat(usageSummed("brand-new-model")).isEqualTo(1);
        assertThat(usageSummed("other")).isEqualTo(otherBefore);
    }

    /** Today's use of every key under one name. */
    private static long usageSummed(String name) {
        long n = 0;
        for (ApiKey k : gateway.pool().keys()) {
            n += k.usageOn(gateway.pool().today()).getOrDefault(name, 0L);
        }
        return n;
    }

    @Test
    void coolDownsPerModelStayBoundedPerKey() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("30s")));

        postEach("cooled-model-", PAST_THE_CAPS, 429);

        for (ApiKey k : gateway.pool().keys()) {
            assertThat(k.cooldowns().size()).isLessThanOrEqualTo(ApiKey.MAX_COOLDOWN_MODELS);
            assertThat(k.usageOn(gateway.pool().today()).size()).isLessThanOrEqualTo(ApiKey.MAX_USAGE_MODELS);
        }
        // the newest cool-downs are kept: the gateway answers for the last model itself, Google gets nothing
        gateway.stub().reset();
        assertThat(gateway.post("/v1beta/models/cooled-model-" + (PAST_THE_CAPS - 1) + ":generateContent",
                Gateway.prompt("hi")).statusCode()).isEqualTo(429);
        assertThat(gateway.stub().received()).isEmpty();
    }

    /** Sends one generateContent for each of {@code names} invented names, a few at a time, and checks each status. */
    private static void postEach(String prefix, int names, int status) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < names; i++) {
                String path = "/v1beta/models/" + prefix + i + ":generateContent";
                statuses.add(threads.submit(() -> gateway.post(path, Gateway.prompt("hi")).statusCode()));
            }
            for (Future<Integer> f : statuses) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(status);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static long labelled(String metrics, String prefix) {
        return metrics.lines().filter(l -> l.startsWith("caravan_requests_total{"))
                .map(l -> label(l, "model")).filter(m -> m != null && m.startsWith(prefix)).distinct().count();
    }

    private static String label(String line, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(line);
        return m.find() ? m.group(1) : null;
    }

    private static double requestsLabelled(String model) throws Exception {
        return requests("model=\"" + model + "\"");
    }

    /** Requests counted in the series whose labels contain {@code label}. */
    private static double requests(String label) throws Exception {
        return metrics().lines().filter(l -> l.startsWith("caravan_requests_total{") && l.contains(label))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static String metrics() throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.managementUrl("/observe/metrics"))).GET()).body();
    }
}
