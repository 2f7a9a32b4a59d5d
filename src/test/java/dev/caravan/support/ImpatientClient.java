package dev.caravan.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A client that gives up on silence, as proxies with idle timeouts and impatient HTTP clients do: every read of the
 * answer, head or body, waits at most {@code silenceMillis}, or the call fails with a SocketTimeoutException. It
 * speaks HTTP/1.1 by hand ({@link RawHttp}) with the client token, to 127.0.0.1 only.
 */
public final class ImpatientClient {

    private ImpatientClient() {
    }

    /** POSTs JSON to the gateway and reads the whole answer; each silence longer than {@code silenceMillis} fails it. */
    public static RawHttp.Answer post(Gateway gateway, String path, String json, int silenceMillis) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        int port = java.net.URI.create(gateway.url("/")).getPort();
        try (RawHttp http = RawHttp.connect(port, silenceMillis)) {
            http.send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nx-goog-api-key: " + Gateway.TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n");
            http.send(body);
            return http.read();
        }
    }

    /**
     * The SSE events of a body as a standard reader sees them (lines ending in CRLF, LF or CR; comment lines skipped;
     * a blank line ends an event; an event without data is no event): the data of each, in order.
     */
    public static List<String> sseData(String body) {
        List<String> events = new ArrayList<>();
        StringBuilder data = null;
        for (String line : body.split("\r\n|\n|\r", -1)) {
            if (line.isEmpty()) {
                if (data != null) {
                    events.add(data.toString());
                }
                data = null;
            } else if (line.startsWith("data:")) {
                String value = line.substring(5);
                value = value.startsWith(" ") ? value.substring(1) : value;
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            } else if (!line.startsWith(":")) {
                throw new AssertionError("not an SSE line: " + line);
            }
        }
        return events;
    }
}
