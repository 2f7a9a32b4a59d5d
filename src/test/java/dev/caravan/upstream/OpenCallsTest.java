package dev.caravan.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The calls a stop ends: those under way when it comes, and any that starts after it; never one that has ended. */
class OpenCallsTest {

    private static final class Call implements OpenCalls.Cuttable {
        final AtomicInteger cuts = new AtomicInteger();

        @Override
        public void cut() {
            cuts.incrementAndGet();
        }
    }

    @Test
    void cutsTheCallsUnderWayOnceAndNotThoseThatEnded() {
        OpenCalls calls = new OpenCalls();
        Call running = new Call();
        Call ended = new Call();
        calls.opened(running);
        calls.opened(ended);
        calls.closed(ended);

        assertThat(calls.count()).isEqualTo(1);
        assertThat(calls.cutAll()).isEqualTo(1);

        assertThat(running.cuts).hasValue(1);
        assertThat(ended.cuts).hasValue(0);
    }

    @Test
    void aCallThatStartsAfterTheCutIsCutAtOnce() {
        OpenCalls calls = new OpenCalls();
        Call early = new Call();
        calls.opened(early);
        assertThat(early.cuts).hasValue(0);

        calls.cutAll();
        Call late = new Call();
        calls.opened(late);

        assertThat(late.cuts).hasValue(1);
    }
}
