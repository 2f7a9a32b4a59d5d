package dev.caravan.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

import dev.caravan.config.InvalidSettingException;
import dev.caravan.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin token when AUTH_TOKEN is unset. Unlike gemini-balance, a client token is never promoted to admin:
 * a random token is made at first start and kept in a file only its owner can read, whose path is logged.
 */
public final class AdminToken {

    private static final Logger LOG = LoggerFactory.getLogger(AdminToken.class);

    private AdminToken() {
    }

    /** The configured token, or the one kept in {@code file} (made on first use). */
    public static String resolve(String configured, Path file) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        try {
            if (Files.isRegularFile(file)) {
                String kept = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!kept.isEmpty()) {
                    if (kept.length() < Settings.MIN_AUTH_TOKEN_LENGTH) {
                        // the same rule as for AUTH_TOKEN: a hand-edited file is no way around it
                        throw new InvalidSettingException("AUTH_TOKEN", "caravan.auth-token", null, "AUTH_TOKEN is not set and "
                                + file.toAbsolutePath() + " holds a token shorter than " + Settings.MIN_AUTH_TOKEN_LENGTH
                                + " characters: set AUTH_TOKEN, or delete the file to have a new token generated");
                    }
                    LOG.info("AUTH_TOKEN is not set: using the admin token kept in {}", file.toAbsolutePath());
                    return kept;
                }
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            if (file.getParent() != null) {
                OwnerOnly.createFolders(file.getParent());
            }
            // owner-only before the token is written into it, so it is never readable by others, even for a moment
            OwnerOnly.createFile(file);
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
            LOG.info("AUTH_TOKEN is not set: generated an admin token into {} (readable by its owner only)",
                    file.toAbsolutePath());
            return token;
        } catch (IOException e) {
            throw new IllegalStateException("AUTH_TOKEN is not set and " + file.toAbsolutePath()
                    + " cannot be written: set AUTH_TOKEN or make the folder writable", e);
        }
    }
}
