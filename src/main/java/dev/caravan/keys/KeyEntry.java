package dev.caravan.keys;

/**
 * One entry of a key list as an operator writes it: the key, optionally followed by {@code @project} to say which
 * Google Cloud project it belongs to ({@code AIza...@proj-a}). Google's keys never hold an '@', so the last '@'
 * splits. A project name is letters, digits, '.', '_', ':', '/' and '-', at most 128, so it can be shown and logged.
 */
public record KeyEntry(String secret, String project) {

    /** @return the entry; project is null when the entry names none (or names one that is not a valid name) */
    public static KeyEntry parse(String entry) {
        String s = entry.trim();
        int at = s.lastIndexOf('@');
        if (at <= 0 || at == s.length() - 1) {
            return new KeyEntry(s, null);
        }
        String project = s.substring(at + 1).trim();
        return new KeyEntry(s.substring(0, at).trim(), validProject(project) ? project : null);
    }

    /** The key of an entry, without its project. */
    public static String secretOf(String entry) {
        return parse(entry).secret();
    }

    public static boolean validProject(String name) {
        return name != null && name.matches("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}");
    }
}
