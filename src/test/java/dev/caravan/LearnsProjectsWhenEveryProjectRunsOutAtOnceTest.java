package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.caravan.keys.ApiKey;
import dev.caravan.keys.Project;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14, the storm's case: three projects of two keys each run out of their per-minute quota together, window
 * after window, so no single coincidence of 429s names one project (the first rule learns nothing). Their windows
 * reset at different moments, as Google's per-project windows do: the pool groups the keys whose refusals reset
 * together window after window and never apart, exactly, and from then on sends no call to a key whose project Google
 * already refused in the window.
 */
class LearnsProjectsWhenEveryProjectRunsOutAtOnceTest {

    /** Keys interleaved across the projects, as an operator's list may be: one round of picks spends every project. */
    private static final List<String> KEYS = List.of("proj-a-one", "proj-b-one", "proj-c-one", "proj-a-two",
            "proj-b-two", "proj-c-two");
    private static final int LIMIT = 2;
    private static final long MINUTE_MS = 1_000;

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(KEYS.toArray(new String[0]))
            .set("caravan.quota-wait-seconds", "0")
            .set("caravan.quota-minute-seconds", "1")
            .set("caravan.project-evidence-seconds", "5");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    /** Google for three projects of LIMIT requests per (compressed) minute, whose windows start a third apart. */
    private static final class Projects {
        final long origin = System.currentTimeMillis();
        final Map<String, long[]> windows = new ConcurrentHashMap<>();
        /** Per project, when the stub last refused it and the end of that window. */
        final Map<String, long[]> refused = new ConcurrentHashMap<>();
        final AtomicInteger callsToRefusedProject = new AtomicInteger();
        final AtomicInteger refusals = new AtomicInteger();

        static String project(String key) {
            return key.substring(0, 6);
        }

        long phase(String project) {
            return (project.charAt(5) - 'a') * MINUTE_MS / 3;
        }

        synchronized StubGemini.Reply answer(StubGemini.Received r) {
            long now = System.currentTimeMillis();
            String p = project(r.key());
            long since = now - origin - phase(p);
            long window = Math.floorDiv(since, MINUTE_MS);
            long end = origin + phase(p) + (window + 1) * MINUTE_MS;
            long[] last = refused.get(p);
            // a call a few ms after the refusal was answered may have been picked before the gateway read it
            if (last != null && now < last[1] && now - last[0] > 20) {
                callsToRefusedProject.incrementAndGet();
            }
            long[] w = windows.computeIfAbsent(p, x -> new long[] {Long.MIN_VALUE, 0});
            if (w[0] != window) {
                w[0] = window;
                w[1] = 0;
            }
            if (w[1] < LIMIT) {
                w[1]++;
                return new StubGemini.Json(200, GoogleBodies.generateContent("served by " + p));
            }
            refusals.incrementAndGet();
            refused.put(p, new long[] {now, end});
            long ms = end - now;
            return new StubGemini.Json(429, LearnsProjectsFromGooglesAnswersTest.perMinute(LIMIT,
                    String.format(Locale.ROOT, "%d.%03ds", ms / 1000, ms % 1000), null));
        }
    }

    @Test
    void groupsEveryProjectExactlyAndThenCallsNoKeyOfARefusedProject() throws Exception {
        Projects google = new Projects();
        gateway.stub().answer(google::answer);

        // one client, a request every 20 ms: far more than the 6 requests a minute the three projects allow
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(20)).until(() -> {
            int status = gateway.post(FLASH, Gateway.prompt("storm")).statusCode();
            assertThat(status).isIn(200, 429);
            return groupedExactly();
        });

        for (String k : KEYS) {
            ApiKey key = gateway.key(k);
            assertThat(key.projectSource()).as(k).isEqualTo(Project.Source.LEARNED);
            assertThat(key.projectEvidence()).as(k).contains("reset together");
        }
        assertThat(google.refusals.get()).isPositive();

        // learned: a project's pause is every key's, so no call reaches a key of a project refused in its window
        google.callsToRefusedProject.set(0);
        int refusalsBefore = google.refusals.get();
        int callsBefore = gateway.stub().received().size();
        AtomicInteger served = new AtomicInteger();
        long until = System.currentTimeMillis() + 4 * MINUTE_MS;
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (gateway.post(FLASH, Gateway.prompt("after")).statusCode() == 200) {
                served.incrementAndGet();
            }
            return System.currentTimeMillis() > until;
        });
        assertThat(gateway.stub().received().size()).isGreaterThan(callsBefore);
        assertThat(served.get()).isPositive();
        assertThat(google.callsToRefusedProject.get()).isZero();
        // and the learned projects pace: at most one 429 per project while its budget aligns
        assertThat(google.refusals.get() - refusalsBefore).isLessThanOrEqualTo(3);
    }

    /** Whether the pool's projects are exactly the stub's: keys together where the stub's are, apart elsewhere. */
    private static boolean groupedExactly() {
        List<ApiKey> keys = new ArrayList<>();
        for (String k : KEYS) {
            keys.add(gateway.key(k));
        }
        for (int i = 0; i < keys.size(); i++) {
            for (int j = i + 1; j < keys.size(); j++) {
                boolean same = Projects.project(KEYS.get(i)).equals(Projects.project(KEYS.get(j)));
                if (same != (keys.get(i).project() == keys.get(j).project())) {
                    return false;
                }
            }
        }
        return true;
    }
}
