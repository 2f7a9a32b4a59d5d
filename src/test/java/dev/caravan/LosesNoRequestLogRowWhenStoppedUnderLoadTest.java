package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.caravan.support.Gateway;
import dev.caravan.support.Rows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16: the request log loses no row when Caravan stops in the middle of traffic. Eight clients send requests
 * back to back, the stop begins while they do, and once it has finished every request a client got a 200 for has
 * its request_log row: the rows still queued when the stop began were written before the process could exit.
 */
class LosesNoRequestLogRowWhenStoppedUnderLoadTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a", "key-b");

    private static final String FLASH = "/v1beta/models/gemini-2.5-flash:generateContent";

    @Test
    void everyRequestAnsweredBeforeTheStopHasItsRow() throws Exception {
        Rows.Db db = gateway::openDatabase;
        gateway.restart();
        long before = answered(db);
        dev.caravan.storage.RequestLog log = gateway.caravan().configuration().requestLog();
        // the address is read now: once stopped, the gateway has no port to ask
        URI flash = URI.create(gateway.url(FLASH));
        AtomicInteger ok = new AtomicInteger();
        AtomicBoolean stopped = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            int client = c;
            running.add(clients.submit(() -> {
                for (int i = 0; !stopped.get(); i++) {
                    try {
                        HttpRequest.Builder post = HttpRequest.newBuilder(flash)
                                .header("x-goog-api-key", Gateway.TOKEN)
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("c" + client + " " + i)));
                        if (gateway.send(post).statusCode() == 200) {
                            ok.incrementAndGet();
                        }
                    } catch (IOException refused) {
                        // the port has closed: the stop is under way
                    }
                }
                return null;
            }));
        }
        // traffic flows, and rows are on their way to the database
        await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() >= 300);

        gateway.stop();
        stopped.set(true);
        for (Future<?> f : running) {
            f.get(30, TimeUnit.SECONDS);
        }
        clients.shutdown();

        System.out.printf("LosesNoRequestLogRowWhenStoppedUnderLoadTest: %d requests answered 200%n", ok.get());
        assertThat(answered(db) - before).isEqualTo(ok.get());
        assertThat(log.droppedRows()).isZero();
    }

    private static long answered(Rows.Db db) {
        return ((Number) Rows.query(db, "SELECT COUNT(*) AS n FROM request_log WHERE status = 200").get(0).get("n"))
                .longValue();
    }
}
