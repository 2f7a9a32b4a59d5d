package dev.caravan.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Tools a test drives from outside the JVM (Chromium, chromedriver, docker-compose). On a developer's machine a
 * missing tool skips the test, which says so; under {@code CI=true} it fails it, because .ci/run installs every
 * tool and a green build must not hide a test that never ran.
 */
public final class RequiredTools {

    private RequiredTools() {
    }

    /** Skips the calling test (or fails it in CI) unless every one of {@code tools} is an executable file. */
    public static void require(String why, Path... tools) {
        require(System.getenv(), why, tools);
    }

    /** {@link #require(String, Path...)} with the environment given, so that its own test can set CI. */
    static void require(Map<String, String> env, String why, Path... tools) {
        List<Path> missing = Arrays.stream(tools).filter(t -> !Files.isExecutable(t)).toList();
        if (missing.isEmpty()) {
            return;
        }
        String message = why + ": missing " + missing + " (.ci/run installs them)";
        if (inCi(env)) {
            Assertions.fail("CI=true and " + message);
        }
        Assumptions.abort(message);
    }

    /** Whether this run is CI's: CI=true (or 1), as CI services and .ci/run set it. */
    static boolean inCi(Map<String, String> env) {
        String ci = env.get("CI");
        return ci != null && (ci.trim().toLowerCase(Locale.ROOT).equals("true") || ci.trim().equals("1"));
    }
}
