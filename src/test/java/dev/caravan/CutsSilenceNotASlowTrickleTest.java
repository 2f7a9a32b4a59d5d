package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import dev.caravan.support.Arrivals;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, fault matrix: TIME_OUT bounds silence, not the length of an answer. Google trickling an answer in pieces
 * whose gaps are each shorter than TIME_OUT, but which take longer than TIME_OUT in all, is relayed whole, a stream
 * as a whole answer; when the trickle then falls silent for longer than TIME_OUT, the attempt is cut and the next
 * key answers. (A stream that falls silent after its first event: StreamErrorAfterFirstByteTest; an answer whose
 * head never comes: RetriesNextKeyOnTimeoutTest.)
 */
class CutsSilenceNotASlowTrickleTest {

    /** TIME_OUT of 2 s; each gap of the trickle is 0.9 s, and four of them take 3.6 s. */
    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("trickle-key-a", "trickle-key-b").set("caravan.time-out", "2");

    private static final Duration GAP = Duration.ofMillis(900);
    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:";

    @Test
    void aWholeAnswerTrickledOverTwiceTimeOutArrivesWhole() throws Exception {
        String whole = GoogleBodies.generateContent("slowly, but surely");
        gateway.stub().answer(r -> new StubGemini.Paced("application/json; charset=UTF-8", pieces(whole, 5),
                gaps(5), false));

        long start = System.nanoTime();
        HttpResponse<String> res = gateway.post(FLASH + "generateContent", Gateway.prompt("take your time"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(whole);
        assertThat(took).as("the trickle took longer than TIME_OUT").isGreaterThan(Duration.ofSeconds(3));
        assertThat(gateway.stub().received()).hasSize(1);
        assertThat(gateway.stub().sentAtNanos()).hasSize(5);
        assertThat(gateway.key("trickle-key-a").strikes() + gateway.key("trickle-key-b").strikes()).isZero();
    }

    @Test
    void aStreamTrickledOverTwiceTimeOutIsRelayedWithoutAnError() throws Exception {
        List<String> events = IntStream.range(0, 5).mapToObj(i -> GoogleBodies.sseEvent("drop " + i)).toList();
        gateway.stub().answer(r -> new StubGemini.Paced("text/event-stream", events, gaps(5), false));

        Arrivals.Streamed res = Arrivals.post(gateway, FLASH + "streamGenerateContent?alt=sse", Gateway.prompt("drip"));

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.text()).isEqualTo(String.join("", events));
        assertThat(gateway.stub().received()).hasSize(1);
        String used = gateway.stub().received().get(0).key();
        // the verdict is recorded once the stream's last byte went out
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3))
                .untilAsserted(() -> assertThat(gateway.key(used).strikes()).isZero());
    }

    @Test
    void aTrickleThatFallsSilentLongerThanTimeOutIsCutAndTheNextKeyAnswers() throws Exception {
        String whole = GoogleBodies.generateContent("from the other key");
        List<String> pieces = pieces(GoogleBodies.generateContent("never finished"), 4);
        // three pieces 0.9 s apart, then 6 s of silence before the last
        List<Duration> gaps = new ArrayList<>(gaps(3));
        gaps.add(Duration.ofSeconds(6));
        AtomicInteger attempts = new AtomicInteger();
        gateway.stub().answer(r -> attempts.getAndIncrement() == 0
                ? new StubGemini.Paced("application/json; charset=UTF-8", pieces, gaps, false)
                : new StubGemini.Json(200, whole));

        long start = System.nanoTime();
        HttpResponse<String> res = gateway.post(FLASH + "generateContent", Gateway.prompt("hello"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(whole);
        List<String> keys = gateway.stub().keysSeen();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates();
        assertThat(gateway.key(keys.get(0)).strikes()).isEqualTo(1);
        assertThat(gateway.key(keys.get(1)).strikes()).isZero();
        // cut after 1.8 s of trickle and 2 s of silence, not at the end of the 6 s
        System.out.printf("CutsSilenceNotASlowTrickleTest: the silent trickle was cut and the next key answered after %d ms%n",
                took.toMillis());
        assertThat(took).isBetween(Duration.ofMillis(3_500), Duration.ofMillis(7_500));
        assertThat(gateway.stub().sentAtNanos()).as("pieces the silent attempt sent").hasSize(3);
    }

    /** {@code text} in {@code n} pieces of about the same length. */
    private static List<String> pieces(String text, int n) {
        List<String> out = new ArrayList<>();
        int size = (text.length() + n - 1) / n;
        for (int i = 0; i < text.length(); i += size) {
            out.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        assertThat(out).hasSize(n);
        return out;
    }

    /** The first piece at once, then one {@link #GAP} before each of the others. */
    private static List<Duration> gaps(int n) {
        List<Duration> gaps = new ArrayList<>(Collections.nCopies(n, GAP));
        gaps.set(0, Duration.ZERO);
        return gaps;
    }
}
