import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * bench/alloc.sh's report (run as a single-file program: java bench/AllocReport.java FILE.jfr REQUESTS [TOP [THREADS]]): the
 * bytes every thread allocated over the recording (jdk.ThreadAllocationStatistics at its start and end) per request,
 * the allocation sites of jdk.ObjectAllocationSample, scaled to that total, and what collecting the garbage cost:
 * jdk.GarbageCollection's pauses, per request and (given -Dcpu.ms, the CPU time the process used in the window) as a
 * share of the process's CPU. Prints Markdown.
 */
public class AllocReport {

    /** Code worth naming as the owner of an allocation: the first frame of one of these is reported. */
    private static final List<String> OWN = List.of("dev.caravan.", "org.apache.camel.", "io.vertx.", "io.netty.",
            "com.fasterxml.", "io.micrometer.", "com.zaxxer.", "org.sqlite.", "io.github.resilience4j.");

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long requests = Long.parseLong(args[1]);
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 25;
        // optional: only the samples of threads whose name matches (e.g. 'vert.x-worker.*'); the total stays all threads'
        java.util.regex.Pattern only = args.length > 3 ? java.util.regex.Pattern.compile(args[3]) : null;

        Map<Long, Long> first = new HashMap<>();
        Map<Long, Long> last = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        Map<String, Long> byOwner = new HashMap<>();
        Map<String, Long> byFrame = new HashMap<>();
        Map<String, Long> byCaravan = new HashMap<>();
        Map<String, Long> byLibrary = new HashMap<>();
        Map<String, Long> bySteps = new HashMap<>();
        // a thread's first sample in the recording weighs everything it allocated since its previous sample, made
        // before the recording started (for the event loop: most of its life): counted in no site
        java.util.Set<Long> sampled = new java.util.HashSet<>();
        long weight = 0;
        Map<String, long[]> collections = new java.util.TreeMap<>();
        try (RecordingFile rf = new RecordingFile(file)) {
            while (rf.hasMoreEvents()) {
                RecordedEvent e = rf.readEvent();
                String type = e.getEventType().getName();
                if (type.equals("jdk.ThreadAllocationStatistics")) {
                    if (e.getThread("thread") == null) {
                        continue;
                    }
                    long tid = e.getThread("thread").getJavaThreadId();
                    names.put(tid, e.getThread("thread").getJavaName());
                    first.putIfAbsent(tid, e.getLong("allocated"));
                    last.put(tid, e.getLong("allocated"));
                } else if (type.equals("jdk.GarbageCollection")) {
                    // per collector: collections, the sum of their pauses and the longest, in nanoseconds
                    long[] c = collections.computeIfAbsent(e.getString("name"), n -> new long[3]);
                    long pauses = e.getDuration("sumOfPauses").toNanos();
                    c[0]++;
                    c[1] += pauses;
                    c[2] = Math.max(c[2], e.getDuration("longestPause").toNanos());
                } else if (type.equals("jdk.ObjectAllocationSample")) {
                    if (e.getThread("eventThread") != null && sampled.add(e.getThread("eventThread").getJavaThreadId())) {
                        continue;
                    }
                    long w = e.getLong("weight");
                    weight += w;
                    if (only != null && (e.getThread("eventThread") == null
                            || !only.matcher(String.valueOf(e.getThread("eventThread").getJavaName())).matches())) {
                        continue;
                    }
                    RecordedStackTrace st = e.getStackTrace();
                    if (st == null || st.getFrames().isEmpty()) {
                        continue;
                    }
                    List<RecordedFrame> frames = st.getFrames();
                    String top0 = name(frames.get(0));
                    byFrame.merge(top0 + " (" + e.getClass("objectClass").getName() + ")", w, Long::sum);
                    String own = null;
                    String caravan = null;
                    for (RecordedFrame f : frames) {
                        String n = name(f);
                        if (own == null && OWN.stream().anyMatch(n::startsWith)) {
                            own = n;
                        }
                        if (caravan == null && n.startsWith("dev.caravan.")) {
                            caravan = n;
                        }
                    }
                    own = own == null ? top0 : own;
                    byOwner.merge(own, w, Long::sum);
                    byLibrary.merge(library(own), w, Long::sum);
                    byCaravan.merge((caravan == null ? "(no Caravan frame)" : caravan) + " ← " + own, w, Long::sum);
                    // every step of a route on the stack (a Caravan frame that Camel called, and the wire tap), once
                    // per sample: what the step and everything it called allocated
                    java.util.Set<String> steps = new java.util.HashSet<>();
                    for (int i = 0; i + 1 < frames.size(); i++) {
                        String n = name(frames.get(i));
                        if ((n.startsWith("dev.caravan.") && name(frames.get(i + 1)).startsWith("org.apache.camel."))
                                || n.equals("org.apache.camel.processor.WireTapProcessor.process")) {
                            steps.add(n);
                        }
                    }
                    for (String step : steps) {
                        bySteps.merge(step, w, Long::sum);
                    }
                }
            }
        }
        long total = 0;
        Map<String, Long> byThread = new HashMap<>();
        for (Map.Entry<Long, Long> t : last.entrySet()) {
            long bytes = t.getValue() - first.get(t.getKey());
            total += bytes;
            // threads of one pool together: the digits of their names go
            String name = names.getOrDefault(t.getKey(), "?");
            byThread.merge(name == null ? "?" : name.replaceAll("[0-9]+", "#"), bytes, Long::sum);
        }
        double scale = weight == 0 ? 0 : (double) total / weight;
        long gcCount = collections.values().stream().mapToLong(c -> c[0]).sum();
        long gcNanos = collections.values().stream().mapToLong(c -> c[1]).sum();
        // -1: not given (floor.sh gives neither)
        long cpuMs = Long.getLong("cpu.ms", -1);
        long jitMs = Long.getLong("jit.ms", -1);
        System.out.printf("requests=%d allocated_bytes=%d bytes_per_request=%d gc_collections=%d gc_pause_ms=%.1f"
                        + " gc_pause_ns_per_request=%d cpu_ms=%d jit_ms=%d%n", requests, total, total / Math.max(1, requests),
                gcCount, gcNanos / 1e6, gcNanos / Math.max(1, requests), cpuMs, jitMs);
        table("By thread (exact)", byThread, 1, total, requests, top);
        collections(collections, gcCount, gcNanos, requests, total, cpuMs, Math.max(0, jitMs));
        table("By library of that first frame (the layers: Netty and Vert.x's I/O, Camel's engine, Jackson, Caravan)",
                byLibrary, scale, weight, requests, top);
        table("By first frame of a known library or of Caravan", byOwner, scale, weight, requests, top);
        table("By allocating frame and class", byFrame, scale, weight, requests, top);
        table("By the innermost Caravan frame on the stack", byCaravan, scale, weight, requests, top);
        table("By route step, inclusive: a step Camel called (Caravan's processors, the wire tap) with everything it"
                + " called; steps nest (the circuit breaker holds the call), so these rows overlap", bySteps, scale,
                weight, requests, top);
    }

    /**
     * What collecting the window's garbage cost: every collection's pauses (the application's threads stopped), per
     * request, and as a share of the CPU time the process used in the window. With a stop-the-world collector on one
     * thread (Serial, the Dockerfile's) a pause is the collector's CPU time; G1's pauses run its worker threads in
     * parallel, so there the share is a lower bound, and its concurrent work (marking) is not in it.
     */
    private static void collections(Map<String, long[]> collections, long count, long nanos, long requests, long total,
                                    long cpuMs, long jitMs) {
        System.out.println();
        System.out.println("#### Garbage collection in the window");
        System.out.println();
        System.out.println("| collector | collections | pauses, sum | longest | pause per request | bytes allocated per collection |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, long[]> c : collections.entrySet()) {
            long[] v = c.getValue();
            System.out.printf("| %s | %d | %.1f ms | %.2f ms | %d ns | %.1f MB |%n", c.getKey(), v[0], v[1] / 1e6,
                    v[2] / 1e6, v[1] / Math.max(1, requests), total / 1e6 / Math.max(1, v[0]));
        }
        System.out.println();
        // the JIT compiler's threads are the process's too, and still busy after a short warm-up: left out
        long work = cpuMs - jitMs;
        if (work > 0) {
            System.out.printf("The process used %d ms of CPU in the window besides the JIT compiler's %d ms (%d µs per"
                            + " request); the %d collections' pauses are %.2f%% of it.%n", work,
                    jitMs, work * 1000 / Math.max(1, requests), count, 100.0 * nanos / 1e6 / work);
        }
    }

    /** The library of a frame: the OWN prefix it starts with (Vert.x Web apart from Vert.x core), else the JDK. */
    private static String library(String frame) {
        if (frame.startsWith("io.vertx.ext.web.")) {
            return "io.vertx.ext.web.";
        }
        return OWN.stream().filter(frame::startsWith).findFirst().orElse("(JDK only)");
    }

    private static String name(RecordedFrame f) {
        // one name per lambda class, however the JVM numbered it
        String type = f.getMethod().getType().getName().replaceAll("\\$\\$Lambda\\$.*", "\\$\\$Lambda");
        return type + "." + f.getMethod().getName();
    }

    private static void table(String title, Map<String, Long> sites, double scale, long weight, long requests, int top) {
        System.out.println();
        System.out.println("#### " + title);
        System.out.println();
        System.out.println("| bytes/request | share | site |");
        System.out.println("|---:|---:|---|");
        sites.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(top)
                .forEach(s -> System.out.printf("| %d | %.1f%% | `%s` |%n", Math.round(s.getValue() * scale / Math.max(1, requests)),
                        100.0 * s.getValue() / weight, s.getKey()));
    }
}
