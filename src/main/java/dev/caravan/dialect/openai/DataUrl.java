package dev.caravan.dialect.openai;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/** Reads RFC 2397 {@code data:} URLs into inline data. Stateless; thread-safe. */
final class DataUrl {

    private DataUrl() {
    }

    static boolean is(String url) {
        return url.regionMatches(true, 0, "data:", 0, 5);
    }

    /**
     * @param url  {@code data:<mime>[;param...][;base64],<data>}
     * @param path where the URL sits in the request, for error messages
     */
    static InlineData parse(String url, String path) {
        int comma = url.indexOf(',');
        if (!is(url) || comma < 0) {
            throw new InvalidOpenAiRequest(path + " is not a valid data URL", path);
        }
        String[] meta = url.substring(5, comma).split(";");
        String mime = meta[0].trim().toLowerCase(Locale.ROOT);
        if (mime.isEmpty()) {
            throw new InvalidOpenAiRequest(path + " is a data URL without a MIME type", path);
        }
        boolean base64 = meta.length > 1 && meta[meta.length - 1].trim().equalsIgnoreCase("base64");
        String data = url.substring(comma + 1);
        if (!base64) {
            // percent-encoded text: Gemini only takes base64
            byte[] bytes = URLDecoder.decode(data.replace("+", "%2B"), StandardCharsets.UTF_8)
                    .getBytes(StandardCharsets.UTF_8);
            data = Base64.getEncoder().encodeToString(bytes);
        } else if (data.isEmpty()) {
            throw new InvalidOpenAiRequest(path + " is a data URL without data", path);
        }
        return new InlineData(mime, data);
    }
}
