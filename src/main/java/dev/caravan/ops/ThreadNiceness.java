package dev.caravan.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the OS priority (raises the nice value) of the thread that calls it, once per thread: a background route's
 * first step (the request-log writer's) so that, on a core it shares with the event loop, its work waits for requests
 * rather than requests for it. Java's own thread priorities do nothing on Linux unless the JVM runs with
 * {@code -XX:ThreadPriorityPolicy=1}, which warns at every start for a non-root user; a thread's nice value, though, is
 * its own on Linux, and any user may raise it. So the thread names itself through {@code /proc/thread-self} and
 * {@code renice} sets it. Where either is missing (not Linux, a minimal image) the thread runs as before, said once at
 * debug level; nothing fails.
 */
public final class ThreadNiceness {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadNiceness.class);
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");
    /** The nice value each thread has asked for already; a timer's thread asks on every tick, renice runs once. */
    private final ThreadLocal<Integer> applied = new ThreadLocal<>();

    /**
     * Raises the calling thread's nice value to {@code niceness} (from 0 to 19) unless it is that high already.
     *
     * @return whether the thread now runs at that nice value or lower priority
     */
    public boolean lower(int niceness) {
        if (niceness < 0 || niceness > 19) {
            throw new IllegalArgumentException("nice values a thread may take are 0 to 19, not " + niceness);
        }
        Integer done = applied.get();
        if (done != null && done >= niceness) {
            return true;
        }
        boolean lowered = renice(niceness);
        applied.set(lowered ? niceness : Integer.MAX_VALUE);
        return lowered;
    }

    /** The calling thread's nice value, from the kernel; or null where there is no {@code /proc/thread-self}. */
    public static Integer current() {
        try {
            String stat = Files.readString(THREAD_SELF.resolve("stat"));
            // after the name in parentheses (which may hold spaces): state is the 3rd field, nice the 19th
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.valueOf(fields[16]);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean renice(int niceness) {
        Integer now = current();
        if (now == null) {
            LOG.debug("No /proc/thread-self: thread {} keeps its priority", Thread.currentThread().getName());
            return false;
        }
        if (now >= niceness) {
            return true;
        }
        try {
            String tid = Files.readSymbolicLink(THREAD_SELF).getFileName().toString();
            // the value alone is absolute in util-linux and BusyBox alike (BusyBox reads -n as an increment)
            Process renice = new ProcessBuilder("renice", Integer.toString(niceness), "-p", tid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!renice.waitFor(5, TimeUnit.SECONDS)) {
                renice.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.debug("renice is not available ({}): thread {} keeps its priority", e.getMessage(),
                    Thread.currentThread().getName());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        Integer after = current();
        return after != null && after >= niceness;
    }
}
