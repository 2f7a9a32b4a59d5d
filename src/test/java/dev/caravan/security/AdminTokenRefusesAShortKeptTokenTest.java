package dev.caravan.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.caravan.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, finding 5: the minimum length of the admin token holds for the token kept in data/auth_token too, so a
 * hand-edited file is no way around it; the file's token is never shown.
 */
class AdminTokenRefusesAShortKeptTokenTest {

    @TempDir
    Path folder;

    @Test
    void refusesAKeptTokenShorterThanTheMinimumAndNamesTheFile() throws Exception {
        Path file = folder.resolve("auth_token");
        Files.writeString(file, "short-kept-tok\n");

        Throwable refused = catchThrowable(() -> AdminToken.resolve("", file));

        assertThat(refused).isNotNull();
        assertThat(refused.getMessage()).contains("AUTH_TOKEN").contains(file.toAbsolutePath().toString())
                .contains(String.valueOf(Settings.MIN_AUTH_TOKEN_LENGTH)).doesNotContain("short-kept-tok");
    }

    @Test
    void usesAKeptTokenOfTheMinimumLength() throws Exception {
        Path file = folder.resolve("auth_token");
        Files.writeString(file, "kept-token-16-ch\n");

        assertThat(AdminToken.resolve("", file)).isEqualTo("kept-token-16-ch");
    }
}
