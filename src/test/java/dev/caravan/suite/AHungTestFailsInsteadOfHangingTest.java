package dev.caravan.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Issue 10, finding 7: no test can hang the build. src/test/resources/junit-platform.properties gives every test a
 * default timeout, in a thread mode that ends even a test blocked where an interrupt cannot reach (a socket read).
 * This runs such a test through the JUnit launcher, with the suite's own configuration and a one-second timeout,
 * and shows it fail as timed out within seconds; and Surefire kills a fork that hangs all the same.
 */
class AHungTestFailsInsteadOfHangingTest {

    /** The server the hung test reads from; null outside this class's own run, so Surefire's pass skips it. */
    private static volatile ServerSocket silent;
    private static final List<Socket> opened = new CopyOnWriteArrayList<>();

    @Test
    void theSuitesConfigurationGivesEveryTestABoundedTimeoutInItsOwnThread() throws Exception {
        Properties junit = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/junit-platform.properties")) {
            assertThat(in).as("src/test/resources/junit-platform.properties").isNotNull();
            junit.load(in);
        }

        assertThat(junit.getProperty("junit.jupiter.execution.timeout.default")).isNotBlank()
                .satisfies(v -> assertThat(seconds(v)).isBetween(30L, 600L));
        assertThat(junit.getProperty("junit.jupiter.execution.timeout.thread.mode.default")).isEqualTo("SEPARATE_THREAD");
    }

    @Test
    void surefireKillsAHungForkWellInsideCisNinetyMinutes() throws Exception {
        String pom = java.nio.file.Files.readString(java.nio.file.Path.of("pom.xml"));
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("<forkedProcessTimeoutInSeconds>(\\d+)</forkedProcessTimeoutInSeconds>").matcher(pom);

        assertThat(m.find()).as("pom.xml sets Surefire's forkedProcessTimeoutInSeconds").isTrue();
        // the suite takes 3-4 minutes on an idle machine
        assertThat(Long.parseLong(m.group(1))).isBetween(600L, 45 * 60L);
    }

    @Test
    void aTestBlockedInASocketReadFailsAsTimedOut() throws Exception {
        ScheduledExecutorService guard = Executors.newSingleThreadScheduledExecutor();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            silent = server;
            // should the mode ever stop ending such a test, this frees it, and the time taken below shows it
            guard.schedule(AHungTestFailsInsteadOfHangingTest::closeAll, 15, TimeUnit.SECONDS);
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(ReadsFromASilentServer.class))
                    // only the length is shortened; the thread mode is the suite's (junit-platform.properties)
                    .configurationParameter("junit.jupiter.execution.timeout.default", "1 s")
                    .build();
            Launcher launcher = LauncherFactory.create();
            SummaryGeneratingListener listener = new SummaryGeneratingListener();

            long start = System.nanoTime();
            launcher.execute(request, listener);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            TestExecutionSummary summary = listener.getSummary();
            assertThat(summary.getTestsStartedCount()).isEqualTo(1);
            assertThat(summary.getTestsFailedCount()).isEqualTo(1);
            assertThat(summary.getFailures().get(0).getException()).hasMessageContaining("timed out");
            // the read never returns by itself: only the timeout's own thread can have ended the test this soon
            assertThat(took).isLessThan(Duration.ofSeconds(12));
        } finally {
            silent = null;
            closeAll();
            guard.shutdownNow();
        }
    }

    private static void closeAll() {
        for (Socket s : opened) {
            try {
                s.close();
            } catch (Exception ignored) {
                // already closed
            }
        }
    }

    /** "2 m", "120 s", "90s": JUnit's duration syntax, in seconds. */
    private static long seconds(String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s*(\\d+)\\s*(s|m|h)?\\s*").matcher(value);
        assertThat(m.matches()).as("a timeout in s, m or h: " + value).isTrue();
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "m" -> n * 60;
            case "h" -> n * 3600;
            default -> n;
        };
    }

    /** A test that blocks in a socket read nobody will ever answer (a nested class: Surefire does not run it alone). */
    static class ReadsFromASilentServer {

        @Test
        void readsAnAnswerThatNeverComes() throws Exception {
            ServerSocket server = silent;
            assumeTrue(server != null, "only run by AHungTestFailsInsteadOfHangingTest");
            Socket socket = new Socket(server.getInetAddress(), server.getLocalPort());
            opened.add(socket);
            socket.getInputStream().read();
        }
    }
}
