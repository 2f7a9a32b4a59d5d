package dev.caravan.support;

import java.io.FileReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.caravan.Caravan;

/**
 * Caravan in a JVM of its own, e.g. with a heap too small to hold a body, so that a test proves a body is streamed.
 * {@link #start} launches it with the test's classpath; its {@link #main} boots the real Caravan on the given
 * properties and prints the port; closing the child's stdin stops it.
 */
public final class ChildGateway implements AutoCloseable {

    private final Process process;
    private final int port;

    private ChildGateway(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts Caravan in a child JVM with {@code jvmOptions} (e.g. -Xmx64m) on {@code properties}. */
    public static ChildGateway start(Properties properties, Path folder, String... jvmOptions) throws Exception {
        Path props = folder.resolve("child.properties");
        try (var out = Files.newBufferedWriter(props)) {
            properties.store(out, null);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildGateway.class.getName());
        command.add(props.toString());
        Path log = folder.resolve("child.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(120))
                .pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> portIn(log) != null || !p.isAlive());
        Integer port = portIn(log);
        if (port == null) {
            p.destroyForcibly();
            throw new IllegalStateException("the child gateway did not start: " + Files.readString(log));
        }
        return new ChildGateway(p, port);
    }

    private static Integer portIn(Path log) throws IOException {
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("CHILD-PORT=")) {
                return Integer.parseInt(line.substring(11).trim());
            }
        }
        return null;
    }

    public int port() {
        return port;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Ends the child at once, as a crash or kill -9 would: nothing is drained, flushed or released. */
    public void kill() {
        process.destroyForcibly();
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (Reader in = new FileReader(args[0])) {
            p.load(in);
        }
        Caravan caravan = new Caravan(p).start();
        System.out.println("CHILD-PORT=" + caravan.port());
        System.out.flush();
        try {
            while (System.in.read() >= 0) {
                // the parent holds stdin open while the child should run
            }
        } catch (IOException e) {
            // the parent went away
        }
        caravan.stop();
        System.exit(0);
    }
}
