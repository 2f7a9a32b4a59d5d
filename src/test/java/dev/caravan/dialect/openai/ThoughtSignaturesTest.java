package dev.caravan.dialect.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class ThoughtSignaturesTest {

    @Test
    void forgetsTheLeastRecentlyUsedBeyondItsCapacity() {
        ThoughtSignatures memory = new ThoughtSignatures(2);
        memory.remember("a", "sig-a");
        memory.remember("b", "sig-b");
        memory.recall("a");

        memory.remember("c", "sig-c");

        assertThat(memory.recall("a")).isEqualTo("sig-a");
        assertThat(memory.recall("b")).isNull();
        assertThat(memory.recall("c")).isEqualTo("sig-c");
        assertThat(memory.size()).isEqualTo(2);
    }

    @Test
    void staysBoundedUnderConcurrentUse() throws Exception {
        ThoughtSignatures memory = new ThoughtSignatures(1000);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            int thread = t;
            pool.submit(() -> {
                for (int i = 0; i < 5000; i++) {
                    memory.remember(thread + "-" + i, "s" + i);
                    memory.recall(thread + "-" + (i / 2));
                }
            });
        }
        pool.shutdown();

        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(memory.size()).isEqualTo(1000);
    }

    @Test
    void ignoresNulls() {
        ThoughtSignatures memory = new ThoughtSignatures();
        memory.remember(null, "s");
        memory.remember("a", null);

        assertThat(memory.size()).isZero();
        assertThat(memory.recall(null)).isNull();
    }
}
