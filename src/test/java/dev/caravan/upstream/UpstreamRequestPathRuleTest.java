package dev.caravan.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The path rule towards Google is a character loop (no regex matcher per call); it must accept exactly what the rule
 * it replaced accepted: one to eight segments of {@code /[A-Za-z0-9_-][A-Za-z0-9._:-]{0,255}}.
 */
class UpstreamRequestPathRuleTest {

    private static final Pattern RULE = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9._:-]{0,255}){1,8}");

    @Test
    void acceptsGooglesPathsAndRefusesWhatWouldLeaveTheApi() {
        assertThat(UpstreamRequest.safePath("/models/gemini-2.5-flash:generateContent")).isTrue();
        assertThat(UpstreamRequest.safePath("/models")).isTrue();
        assertThat(UpstreamRequest.safePath("/files/abc-123")).isTrue();
        for (String bad : new String[] {"", "/", "models", "//models", "/models/", "/../etc", "/.hidden", "/a b",
                "/a%2e", "/a?b", "/a#b", "/a\nb", "/a/b/c/d/e/f/g/h/i", "/é"}) {
            assertThat(UpstreamRequest.safePath(bad)).as(bad).isFalse();
        }
        String longest = "/a" + "b".repeat(255);
        assertThat(UpstreamRequest.safePath(longest)).isTrue();
        assertThat(UpstreamRequest.safePath(longest + "c")).isFalse();
        assertThat(UpstreamRequest.safePath("/a/b/c/d/e/f/g/h")).isTrue();
    }

    @Test
    void agreesWithTheRegularExpressionOnRandomPaths() {
        Random random = new Random(16);
        String alphabet = "/a9Z_-.:%? \n/";
        for (int n = 0; n < 200_000; n++) {
            int length = random.nextInt(24);
            StringBuilder path = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                path.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String p = path.toString();
            assertThat(UpstreamRequest.safePath(p)).as("%s", p).isEqualTo(RULE.matcher(p).matches());
        }
    }
}
