package dev.caravan.admin;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds Google API keys in any pasted text (a .env, a JSON array, a spreadsheet column, a chat log): every
 * {@code AIza} followed by 35 characters of {@code [0-9A-Za-z_-]}, standing alone (not inside a longer run of such
 * characters). Stateless; thread-safe.
 */
public final class KeyExtractor {

    private static final Pattern KEY = Pattern.compile("(?<![0-9A-Za-z_-])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])");

    /** What a paste held. */
    public record Found(List<String> keys, int repeated) {
    }

    /** The distinct keys in {@code text}, in the order they first appear, and how many repeats were dropped. */
    public Found extract(String text) {
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        int repeated = 0;
        if (text != null) {
            Matcher m = KEY.matcher(text);
            while (m.find()) {
                if (!keys.add(m.group())) {
                    repeated++;
                }
            }
        }
        return new Found(new ArrayList<>(keys), repeated);
    }
}
