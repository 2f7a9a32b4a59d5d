package dev.caravan.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds Google API keys in any pasted text (a .env, a JSON array, a spreadsheet column, a chat log): every
 * {@code AIza} followed by 35 characters of {@code [0-9A-Za-z_-]}, standing alone (not inside a longer run of such
 * characters), with the {@code @project} that may follow it ({@code AIza...@proj-a}, as API_KEYS writes it). Stateless;
 * thread-safe.
 */
public final class KeyExtractor {

    private static final Pattern KEY = Pattern.compile(
            "(?<![0-9A-Za-z_-])(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])(?:@([A-Za-z0-9][A-Za-z0-9._:/-]{0,127}))?");

    /** What a paste held. */
    public record Found(List<String> keys, int repeated) {
    }

    /**
     * The distinct keys in {@code text}, in the order they first appear, each as {@code key} or {@code key@project}
     * (the first project written for a key), and how many repeats were dropped.
     */
    public Found extract(String text) {
        java.util.LinkedHashMap<String, String> keys = new java.util.LinkedHashMap<>();
        int repeated = 0;
        if (text != null) {
            Matcher m = KEY.matcher(text);
            while (m.find()) {
                String entry = m.group(2) == null ? m.group(1) : m.group(1) + "@" + m.group(2);
                if (keys.putIfAbsent(m.group(1), entry) != null) {
                    repeated++;
                }
            }
        }
        return new Found(new ArrayList<>(keys.values()), repeated);
    }
}
