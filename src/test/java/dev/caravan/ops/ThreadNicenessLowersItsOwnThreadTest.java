package dev.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The request-log writer's first step: the calling thread, and only it, gets the nice value asked for, once. Needs
 * Linux's /proc and renice (util-linux, in every Debian and Ubuntu image), as CI and the Dockerfile's image have.
 */
class ThreadNicenessLowersItsOwnThreadTest {

    private final ExecutorService background = Executors.newSingleThreadExecutor();
    private final ThreadNiceness niceness = new ThreadNiceness();

    @AfterEach
    void stop() {
        background.shutdownNow();
    }

    @Test
    void theCallingThreadRunsAtTheNiceValueAskedFor() throws Exception {
        Integer before = ThreadNiceness.current();
        assertThat(before).as("this thread's nice value, read from /proc/thread-self").isNotNull().isLessThan(7);

        assertThat(onBackgroundThread(7)).isTrue();

        assertThat(background.submit(ThreadNiceness::current).get(10, TimeUnit.SECONDS)).isEqualTo(7);
        assertThat(ThreadNiceness.current()).as("the test's own thread is left as it was").isEqualTo(before);
        ExecutorService later = Executors.newSingleThreadExecutor();
        try {
            assertThat(CompletableFuture.supplyAsync(ThreadNiceness::current, later).get(10, TimeUnit.SECONDS))
                    .as("a thread the test's thread starts later").isEqualTo(before);
        } finally {
            later.shutdownNow();
        }
    }

    @Test
    void asksOncePerThreadAndNeverRaisesThePriorityBack() throws Exception {
        assertThat(onBackgroundThread(9)).isTrue();
        assertThat(onBackgroundThread(9)).isTrue();
        assertThat(onBackgroundThread(4)).as("a lower value asked later: the thread stays at 9").isTrue();

        assertThat(background.submit(ThreadNiceness::current).get(10, TimeUnit.SECONDS)).isEqualTo(9);
    }

    @Test
    void refusesValuesOutsideWhatAThreadMayTake() {
        assertThatThrownBy(() -> niceness.lower(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> niceness.lower(20)).isInstanceOf(IllegalArgumentException.class);
    }

    private boolean onBackgroundThread(int value) throws Exception {
        return background.submit(() -> niceness.lower(value)).get(10, TimeUnit.SECONDS);
    }
}
