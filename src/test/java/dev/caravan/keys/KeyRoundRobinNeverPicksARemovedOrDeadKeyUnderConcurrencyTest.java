package dev.caravan.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.caravan.support.ManualClock;
import org.junit.jupiter.api.RepeatedTest;

/**
 * The pool changes while requests pick: keys are removed, declared invalid, disabled by an operator, struck out,
 * cooled for the model, and added, each by its own thread, while four threads pick without pause. A pick that
 * starts after such a change has returned must never hand out the key it took out of rotation (a pick already under
 * way may: it chose before the change), and no pick may find nothing while untouched keys remain.
 *
 * <p>"After" is told by an epoch: a mutating thread bumps it once its change has returned and notes the key with
 * that epoch; a picker reads the epoch before it picks. A key noted at an epoch no later than the one the picker
 * read was out of rotation before the pick began.
 */
class KeyRoundRobinNeverPicksARemovedOrDeadKeyUnderConcurrencyTest {

    private static final int KEYS = 3_000;
    private static final int ADDED = 600;
    private static final int PICKERS = 4;
    private static final String MODEL = "gemini-2.5-flash";
    private static final int MAX_FAILURES = 3;

    @RepeatedTest(3)
    void aPickThatStartsAfterAKeyLeftRotationNeverReturnsIt() throws Exception {
        ManualClock clock = new ManualClock(1_000_000L);
        long now = clock.now();
        KeyRoundRobin pool = new KeyRoundRobin(Verdicts.secrets(KEYS), MAX_FAILURES, clock);
        List<ApiKey> keys = pool.keys();
        Map<ApiKey, Long> outSince = new ConcurrentHashMap<>();
        AtomicLong epoch = new AtomicLong();
        // by position: 0 removed, 1 invalid, 2 disabled by an operator, 3 struck out, 4 cooled for MODEL, 5 untouched
        List<List<ApiKey>> shares = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            shares.add(new ArrayList<>());
        }
        for (int i = 0; i < KEYS; i++) {
            shares.get(i % 6).add(keys.get(i));
        }
        List<Consumer<ApiKey>> changes = List.of(
                k -> assertThat(pool.remove(List.of(k))).containsExactly(k),
                k -> pool.record(k, MODEL, Verdicts.invalid(now)),
                k -> pool.disable(k, new Evidence(0, "OPERATOR_DISABLED", null, now)),
                k -> {
                    for (int s = 0; s < MAX_FAILURES; s++) {
                        pool.record(k, MODEL, Verdicts.upstreamFailure(now));
                    }
                },
                k -> pool.record(k, MODEL, Verdicts.coolUntil(now + 3_600_000L, now)));

        AtomicBoolean mutating = new AtomicBoolean(true);
        AtomicInteger picks = new AtomicInteger();
        AtomicInteger nulls = new AtomicInteger();
        Queue<String> wrong = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(PICKERS + changes.size() + 1);
        try {
            List<Future<?>> pickers = new ArrayList<>();
            for (int t = 0; t < PICKERS; t++) {
                pickers.add(threads.submit(() -> {
                    // a few more rounds once the changes are done, so that picks also start after the last of them
                    int after = 0;
                    while (after < 2_000) {
                        if (!mutating.get()) {
                            after++;
                        }
                        long start = epoch.get();
                        ApiKey k = pool.pick(MODEL, null);
                        picks.incrementAndGet();
                        if (k == null) {
                            nulls.incrementAndGet();
                            continue;
                        }
                        Long since = outSince.get(k);
                        if (since != null && since <= start) {
                            wrong.add(k.secret() + " (" + k.state() + ") out since epoch " + since
                                    + ", picked by a pick that began at " + start);
                        }
                    }
                    return null;
                }));
            }
            List<Future<?>> mutators = new ArrayList<>();
            for (int c = 0; c < changes.size(); c++) {
                List<ApiKey> share = new ArrayList<>(shares.get(c));
                Collections.shuffle(share);
                Consumer<ApiKey> change = changes.get(c);
                mutators.add(threads.submit(() -> {
                    go.await();
                    for (ApiKey k : share) {
                        change.accept(k);
                        outSince.put(k, epoch.incrementAndGet());
                    }
                    return null;
                }));
            }
            mutators.add(threads.submit(() -> {
                go.await();
                for (int b = 0; b < ADDED / 50; b++) {
                    List<String> batch = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        batch.add(String.format("added-%02d-%02d", b, i));
                    }
                    assertThat(pool.add(batch)).hasSize(50);
                }
                return null;
            }));
            // the pickers are busy before the first change comes
            await().atMost(Duration.ofSeconds(10)).until(() -> picks.get() > 10_000);
            go.countDown();
            for (Future<?> m : mutators) {
                m.get(30, TimeUnit.SECONDS);
            }
            mutating.set(false);
            for (Future<?> p : pickers) {
                p.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        System.out.printf("KeyRoundRobinNeverPicksARemovedOrDeadKeyUnderConcurrencyTest: %d picks around %d changes%n",
                picks.get(), outSince.size());
        assertThat(wrong).as("picks that returned a key already out of rotation").isEmpty();
        assertThat(nulls).as("picks that found no key while untouched keys remained").hasValue(0);
        assertThat(pool.size()).isEqualTo(KEYS - shares.get(0).size() + ADDED);
        assertThat(pool.keys()).doesNotContainAnyElementsOf(shares.get(0));
        assertThat(shares.get(1)).allSatisfy(k -> assertThat(k.state()).isEqualTo(KeyState.INVALID));
        assertThat(shares.get(2)).allSatisfy(k -> assertThat(k.manuallyDisabled()).isTrue());
        assertThat(shares.get(3)).allSatisfy(k -> {
            assertThat(k.state()).isEqualTo(KeyState.DISABLED);
            assertThat(k.strikes()).isEqualTo(MAX_FAILURES);
        });
        assertThat(shares.get(5)).allSatisfy(k -> assertThat(k.state()).isEqualTo(KeyState.ACTIVE));
        // and from here on, one whole revolution hands out exactly the untouched and the added keys
        List<ApiKey> revolution = new ArrayList<>();
        int eligible = shares.get(5).size() + ADDED;
        for (int i = 0; i < eligible; i++) {
            revolution.add(pool.pick(MODEL, null));
        }
        assertThat(revolution).doesNotHaveDuplicates().doesNotContainNull()
                .allSatisfy(k -> assertThat(shares.get(5).contains(k) || k.secret().startsWith("added-")).isTrue());
    }
}
