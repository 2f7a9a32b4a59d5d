package dev.caravan.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.caravan.Caravan;

/**
 * Caravan's own {@code main} (what {@code java -jar} runs) in a child JVM that is expected to refuse to start: whether
 * it ended within the time given, its exit status and what it wrote on stderr. Its stdout (the log) is discarded.
 *
 * @param ended     whether the process ended in time (it is killed otherwise)
 * @param exitValue its exit status, or -1 when it had to be killed
 * @param errors    its stderr, line by line
 */
public record RefusedStart(boolean ended, int exitValue, List<String> errors) {

    /**
     * @param folder      the working directory (where Caravan looks for application.properties and routes/)
     * @param environment added to this process's environment
     * @param seconds     how long it may take to refuse
     */
    public static RefusedStart run(Path folder, Map<String, String> environment, int seconds) throws Exception {
        ProcessBuilder java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Caravan.class.getName());
        java.directory(folder.toAbsolutePath().toFile());
        java.environment().putAll(environment);
        java.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // into a file, which outlives a process that had to be killed (its pipes close with it)
        Path stderr = Files.createTempFile("caravan-stderr-", ".txt");
        java.redirectError(stderr.toFile());
        Process caravan = java.start();
        boolean ended = caravan.waitFor(seconds, TimeUnit.SECONDS);
        if (!ended) {
            caravan.destroyForcibly().waitFor();
        }
        List<String> errors = Files.readAllLines(stderr, StandardCharsets.UTF_8);
        Files.delete(stderr);
        return new RefusedStart(ended, ended ? caravan.exitValue() : -1, errors);
    }
}
