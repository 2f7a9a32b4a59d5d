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
 * with no heap option), shrinks the heap to its live data plus a margin, and leaves the free-ratio settings as they
 * were; where the operator sized the heap it does nothing.
 */
class StartupHeapReturnsStartUpMemoryTest {

    private final HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    @Test
    void shrinksAGrownHeapAndPutsTheRatiosBack() {
        assertThat(hotSpot.getVMOption("UseG1GC").getValue()).as("the test fork runs G1, as a plain java -jar does")
                .isEqualTo("true");
        String grow = hotSpot.getVMOption("MinHeapFreeRatio").getValue();
        String shrink = hotSpot.getVMOption("MaxHeapFreeRatio").getValue();
        long fullCollections = fullCollections();
        // what start-up does: a heap grown by garbage
        byte[][] garbage = new byte[400][];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = new byte[256 * 1024];
        }
        garbage = null;

        assertThat(StartupHeap.release()).isTrue();

        assertThat(fullCollections()).isGreaterThan(fullCollections);
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        assertThat(heap.getCommitted()).as("committed heap after the collection, with %d bytes used", heap.getUsed())
                .isLessThan(heap.getUsed() * 100 / (100 - StartupHeap.SHRINK_ABOVE_FREE) + 64L * 1024 * 1024);
        assertThat(hotSpot.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo(grow);
        assertThat(hotSpot.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo(shrink);
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
