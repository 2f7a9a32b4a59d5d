package dev.caravan.dialect.openai;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * gemini-balance's image directives inside a prompt: {@code {n:2}} asks for that many images and {@code {ratio:16:9}}
 * for that aspect ratio, both overriding the request's own {@code n} and {@code size}; they are taken out of the
 * prompt before it reaches Google. The last of each wins; anything else in braces is left alone. Immutable.
 *
 * @param prompt the prompt without its directives, trimmed
 * @param n      the count asked for, or null
 * @param ratio  the aspect ratio asked for ("W:H" as written), or null
 */
public record PromptDirectives(String prompt, Integer n, String ratio) {

    private static final Pattern DIRECTIVE = Pattern.compile("\\{\\s*(n|ratio)\\s*:\\s*([^{}]{1,16}?)\\s*}");
    private static final Pattern COUNT = Pattern.compile("\\d{1,3}");
    private static final Pattern RATIO = Pattern.compile("(\\d{1,2}):(\\d{1,2})");

    /** Reads the directives of {@code prompt}; a malformed value is the client's mistake (400). */
    public static PromptDirectives of(String prompt) {
        Matcher m = DIRECTIVE.matcher(prompt);
        Integer n = null;
        String ratio = null;
        StringBuilder rest = new StringBuilder(prompt.length());
        int last = 0;
        while (m.find()) {
            String value = m.group(2);
            if (m.group(1).equals("n")) {
                if (!COUNT.matcher(value).matches()) {
                    throw new InvalidOpenAiRequest("The prompt's {n:...} must be a whole number, e.g. {n:2}", "prompt");
                }
                n = Integer.valueOf(value);
            } else {
                Matcher r = RATIO.matcher(value);
                if (!r.matches() || Integer.parseInt(r.group(1)) == 0 || Integer.parseInt(r.group(2)) == 0) {
                    throw new InvalidOpenAiRequest("The prompt's {ratio:...} must be WIDTH:HEIGHT, e.g. {ratio:16:9}",
                            "prompt");
                }
                ratio = Integer.parseInt(r.group(1)) + ":" + Integer.parseInt(r.group(2));
            }
            rest.append(prompt, last, m.start());
            last = m.end();
        }
        if (last == 0) {
            return new PromptDirectives(prompt, null, null);
        }
        rest.append(prompt, last, prompt.length());
        String cleaned = rest.toString().replaceAll("[ \\t]{2,}", " ").trim();
        if (cleaned.isEmpty()) {
            throw new InvalidOpenAiRequest("The prompt holds nothing but directives", "prompt");
        }
        return new PromptDirectives(cleaned, n, ratio);
    }
}
