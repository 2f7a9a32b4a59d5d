package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.caravan.support.Gateway;
import dev.caravan.support.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, finding 2: the main port serves nothing wrong while Caravan starts. A client dials the port without
 * pause while the gateway starts, three times over: every answer it gets is the real one (Google's, through the
 * pool) or 503 with Retry-After, in the caller's dialect; never the 404 that a port open before its routes gave
 * (387 of them over three starts before the fix).
 */
class AnswersNothingWrongWhileStartingTest {

    private static final String GEMINI = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String OPENAI = "/v1/chat/completions";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b");

    @Test
    void everyAnswerWhileStartingIsTheRealOneOr503WithRetryAfter() throws Exception {
        List<String> answers = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        int real = 0;
        // Vert.x 4 can drop a connection accepted in the instant its listener binds (TCPServerBase sets up the
        // channel's initialiser after starting the bind): nothing was read or answered, so a client can retry it.
        // Counted and shown, not an answer.
        int dropped = 0;
        for (int start = 0; start < 3; start++) {
            gateway.stop();
            int port = Gateway.freePort();
            Dialler dialler = new Dialler(port);
            dialler.start();
            try {
                gateway.restartOn(port);
                await().atMost(Duration.ofSeconds(30)).until(() -> dialler.realAnswers() >= 4);
            } finally {
                dialler.finish();
            }
            for (Seen s : dialler.seen) {
                if (s.status() == 0) {
                    dropped++;
                    continue;
                }
                answers.add(s.toString());
                if (s.status() == 200) {
                    real++;
                } else if (s.status() != 503 || s.retryAfter() == null || !s.inDialect()) {
                    wrong.add(s.toString());
                }
            }
        }
        System.out.printf("AnswersNothingWrongWhileStartingTest: %d answers over 3 starts, %d real, %d wrong; "
                + "%d connection(s) dropped unanswered as the port opened%n", answers.size(), real, wrong.size(), dropped);

        assertThat(wrong).as("answers other than the real one or 503 + Retry-After").isEmpty();
        assertThat(real).isGreaterThanOrEqualTo(12);
        // the real answers are Google's: each one reached the stub with a pool key
        assertThat(gateway.stub().received()).hasSizeGreaterThanOrEqualTo(real)
                .allSatisfy(r -> assertThat(r.key()).isIn("key-a", "key-b"));
    }

    /** What one dial got: an answer, or a connection taken and dropped without one (status 0). */
    record Seen(String path, int status, String retryAfter, String body) {
        boolean inDialect() {
            return path.startsWith("/v1/") ? body.contains("\"type\"") : body.contains("\"status\"");
        }
    }

    /** Dials the port again and again, Gemini and OpenAI calls in turn, until told to finish. */
    private static final class Dialler extends Thread {
        private final int port;
        final List<Seen> seen = new CopyOnWriteArrayList<>();
        private volatile boolean done;

        Dialler(int port) {
            super("dialler-" + port);
            this.port = port;
            setDaemon(true);
        }

        long realAnswers() {
            return seen.stream().filter(s -> s.status() == 200).count();
        }

        void finish() throws InterruptedException {
            done = true;
            join(TimeUnit.SECONDS.toMillis(30));
        }

        @Override
        public void run() {
            int n = 0;
            while (!done) {
                String path = n++ % 2 == 0 ? GEMINI : OPENAI;
                String body = path.equals(GEMINI) ? Gateway.prompt("hi")
                        : "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                RawHttp c;
                try {
                    c = RawHttp.connect(port, 10_000);
                } catch (ConnectException notListening) {
                    // pacing of the dialler, not a wait for a condition: about 5,000 dials a second
                    LockSupport.parkNanos(200_000);
                    continue;
                } catch (IOException e) {
                    continue;
                }
                try (c) {
                    c.send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + Gateway.TOKEN
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                            + "\r\nConnection: close\r\n\r\n" + body);
                    RawHttp.Answer a = c.read();
                    seen.add(new Seen(path, a.status(), a.header("Retry-After"), a.body()));
                } catch (IOException dropped) {
                    seen.add(new Seen(path, 0, null, String.valueOf(dropped.getMessage())));
                }
            }
        }
    }
}
