package dev.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import org.junit.jupiter.api.Test;

/**
 * The full collection before the main port opens: it runs where the JVM chose a G1 heap (as Surefire's fork does,
 * with no heap option), shrinks the heap to its live data plus a margin, leaves the free-ratio settings as they were
 * and turns on G1's periodic collection unless the operator set its interval; where the operator sized the heap it
 * does nothing.
 */
class StartupHeapReturnsStartUpMemoryTest {

    private final HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    @Test
    void shrinksAGrownHeapAndPutsTheRatiosBack() {
        assertThat(hotSpot.getVMOption("UseG1GC").getValue()).as("the test fork runs G1, as a plain java -jar does")
                .isEqualTo("true");
        String grow = hotSpot.getVMOption("MinHeapFreeRatio").getValue();
        String shrink = hotSpot.getVMOption("MaxHeapFreeRatio").getValue();
        String periodic = hotSpot.getVMOption("G1PeriodicGCInterval").getValue();
        long fullCollections = fullCollections();
        // what start-up does: a heap grown by garbage
        byte[][] garbage = new byte[400][];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = new byte[256 * 1024];
        }
        garbage = null;

        try {
            assertThat(StartupHeap.release()).isTrue();
            assertThat(hotSpot.getVMOption("G1PeriodicGCInterval").getValue())
                    .as("G1 gives back what load grew, once idle")
                    .isEqualTo(Long.toString(StartupHeap.IDLE_COLLECTION_MILLIS));
        } finally {
            // the rest of the fork's tests run as they would have
            hotSpot.setVMOption("G1PeriodicGCInterval", periodic);
        }

        assertThat(fullCollections()).isGreaterThan(fullCollections);
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        assertThat(heap.getCommitted()).as("committed heap after the collection, with %d bytes used", heap.getUsed())
                .isLessThan(heap.getUsed() * 100 / (100 - StartupHeap.SHRINK_ABOVE_FREE) + 64L * 1024 * 1024);
        assertThat(hotSpot.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo(grow);
        assertThat(hotSpot.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo(shrink);
    }

    @Test
    void keepsThePeriodicCollectionIntervalAnOperatorSet() {
        java.util.Map<String, String> set = new java.util.HashMap<>();
        HotSpotDiagnosticMXBean operatorsZero = new HotSpotDiagnosticMXBean() {
            @Override
            public void dumpHeap(String outputFile, boolean live) {
            }

            @Override
            public java.util.List<VMOption> getDiagnosticOptions() {
                return java.util.List.of();
            }

            @Override
            public VMOption getVMOption(String name) {
                return new VMOption(name, "0", true, VMOption.Origin.VM_CREATION);
            }

            @Override
            public void setVMOption(String name, String value) {
                set.put(name, value);
            }

            @Override
            public javax.management.ObjectName getObjectName() {
                return null;
            }
        };

        StartupHeap.returnWhenIdle(operatorsZero);

        assertThat(set).as("-XX:G1PeriodicGCInterval=0 on the command line stays").isEmpty();
    }

    @Test
    void leavesAHeapTheOperatorSizedAlone() {
        for (String option : StartupHeap.OPERATOR_SIZING) {
            assertThat(StartupHeap.operatorSizedHeap(
                    name -> name.equals(option) ? VMOption.Origin.VM_CREATION : VMOption.Origin.DEFAULT))
                    .as(option + " on the command line").isTrue();
        }
        assertThat(StartupHeap.operatorSizedHeap(name -> VMOption.Origin.ENVIRON_VAR)).as("JAVA_TOOL_OPTIONS").isTrue();
        assertThat(StartupHeap.operatorSizedHeap(name -> VMOption.Origin.ERGONOMIC)).as("chosen by the JVM").isFalse();
        assertThat(StartupHeap.operatorSizedHeap(name -> VMOption.Origin.DEFAULT)).isFalse();
    }

    private static long fullCollections() {
        long count = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc.getName().contains("Old") || gc.getName().contains("MarkSweep")) {
                count += gc.getCollectionCount();
            }
        }
        return count;
    }
}
