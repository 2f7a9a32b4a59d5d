package dev.caravan.ops;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.Function;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the memory that start-up used back to the operating system, once, before the main port opens, and lets G1
 * give back what later bursts of load grow once they are over.
 *
 * <p>Booting Camel (reading the YAML routes, loading classes, building the routes) leaves a hundred megabytes or more
 * of garbage. G1, the collector a plain {@code java -jar} gets on a machine with two or more cores, keeps the heap it
 * grew for that committed and resident: an idle Caravan started that way measured 245-256 MB, and 202-212 MB with one
 * full collection, before the port opens, that may shrink the heap to its live data plus 30%. So, when the JVM chose
 * the heap itself, Caravan runs that collection and then puts the free-ratio settings back, so that the heap grows
 * under load exactly as G1 would have grown it.
 *
 * <p>The heap that load grew stays committed too: an idle Caravan after a minute at concurrency 64 measured 561-588 MB,
 * and as much with 1,000 streams open afterwards. So it also turns on G1's periodic collection (JEP 346,
 * {@code G1PeriodicGCInterval}, a manageable option): once {@value #IDLE_COLLECTION_MILLIS} ms pass without a
 * collection, G1 runs a concurrent cycle whose remark gives back what is free beyond {@code MaxHeapFreeRatio}. The same
 * check measured 561 → 286 MB within ten seconds of the load ending, and 291 MB (against 590) with the 1,000 streams.
 * Under load young collections come far more often than that, so none runs then. Where the operator sized the heap or
 * the ratios on the command line (the Dockerfile does), or the collector is not G1, nothing is done, and an operator's
 * own {@code G1PeriodicGCInterval} (0 included) is kept: those choices are the operator's.
 */
public final class StartupHeap {

    private static final Logger LOG = LoggerFactory.getLogger(StartupHeap.class);
    /** Options that show the operator sized the heap; any of them set on the command line leaves the heap alone. */
    static final List<String> OPERATOR_SIZING = List.of("MaxHeapSize", "InitialHeapSize", "MinHeapSize",
            "MaxRAMPercentage", "MaxRAM", "MinHeapFreeRatio", "MaxHeapFreeRatio");
    /** The free share above which the full collection shrinks the heap, in percent. */
    static final int SHRINK_ABOVE_FREE = 30;
    /** The free share below which that collection would grow the heap, in percent; it must not exceed the above. */
    static final int GROW_BELOW_FREE = 10;
    /**
     * How long G1 may go without a collection before it runs one that returns free heap, in ms: long enough that a
     * trickle of requests does not pay for a cycle every few seconds, short enough that memory comes back soon after
     * a burst.
     */
    static final long IDLE_COLLECTION_MILLIS = 10_000;

    private StartupHeap() {
    }

    /**
     * Runs the full collection that returns start-up memory and turns on G1's periodic collection, when the JVM chose
     * the heap and runs G1.
     *
     * @return whether it ran
     */
    public static boolean release() {
        try {
            HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hotSpot == null || !"true".equals(hotSpot.getVMOption("UseG1GC").getValue())
                    || operatorSizedHeap(name -> hotSpot.getVMOption(name).getOrigin())) {
                return false;
            }
            collect(hotSpot);
            returnWhenIdle(hotSpot);
            return true;
        } catch (RuntimeException e) {
            // a JVM without these options, or one that refuses them: it keeps its heap, and Caravan starts as before
            LOG.debug("Start-up memory not returned: {}", e.toString());
            return false;
        }
    }

    private static void collect(HotSpotDiagnosticMXBean hotSpot) {
        String grow = hotSpot.getVMOption("MinHeapFreeRatio").getValue();
        String shrink = hotSpot.getVMOption("MaxHeapFreeRatio").getValue();
        long start = System.nanoTime();
        try {
            // lower first, then upper: the JVM refuses a minimum above the maximum at every step
            hotSpot.setVMOption("MinHeapFreeRatio", Integer.toString(GROW_BELOW_FREE));
            hotSpot.setVMOption("MaxHeapFreeRatio", Integer.toString(SHRINK_ABOVE_FREE));
            System.gc();
        } finally {
            hotSpot.setVMOption("MaxHeapFreeRatio", shrink);
            hotSpot.setVMOption("MinHeapFreeRatio", grow);
        }
        LOG.debug("Returned start-up memory with a full collection in {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    /** Turns on G1's periodic collection, unless the operator set its interval. */
    static void returnWhenIdle(HotSpotDiagnosticMXBean hotSpot) {
        if (!operatorSet(hotSpot.getVMOption("G1PeriodicGCInterval").getOrigin())) {
            hotSpot.setVMOption("G1PeriodicGCInterval", Long.toString(IDLE_COLLECTION_MILLIS));
        }
    }

    /** Whether any option that sizes the heap was given on the command line, the environment or a flags file. */
    static boolean operatorSizedHeap(Function<String, VMOption.Origin> origin) {
        for (String name : OPERATOR_SIZING) {
            if (operatorSet(origin.apply(name))) {
                return true;
            }
        }
        return false;
    }

    /** Whether an option's value came from the command line, the environment or a flags file. */
    private static boolean operatorSet(VMOption.Origin o) {
        return o == VMOption.Origin.VM_CREATION || o == VMOption.Origin.ENVIRON_VAR || o == VMOption.Origin.CONFIG_FILE;
    }
}
