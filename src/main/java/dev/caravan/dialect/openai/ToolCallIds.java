package dev.caravan.dialect.openai;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names OpenAI tool calls made from Gemini function calls that carry no id of their own: {@code call_} and 24 hex
 * digits of a hash of (completion id, choice, position), so an id is the same however often it is computed and
 * differs between completions. Stateless; thread-safe.
 */
final class ToolCallIds {

    private ToolCallIds() {
    }

    static String of(String completionId, int choice, int position) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((completionId + "/" + choice + "/" + position).getBytes(StandardCharsets.UTF_8));
            return "call_" + HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
