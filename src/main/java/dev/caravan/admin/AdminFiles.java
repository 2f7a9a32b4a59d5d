package dev.caravan.admin;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;

/**
 * Serves the admin page: a fixed list of files from the classpath folder {@code admin/}, read once at start. A
 * name that is not on the list answers 404, so no path (traversal or not) ever reaches another file. Immutable;
 * thread-safe.
 */
public final class AdminFiles {

    /** File name → content type: everything the page is made of. */
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=UTF-8",
            "app.js", "text/javascript; charset=UTF-8",
            "app.css", "text/css; charset=UTF-8",
            "favicon.svg", "image/svg+xml");

    private final Map<String, byte[]> content = new LinkedHashMap<>();

    public AdminFiles() {
        for (String name : FILES.keySet()) {
            try (InputStream in = AdminFiles.class.getClassLoader().getResourceAsStream("admin/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("admin/" + name + " is missing from the classpath");
                }
                content.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new IllegalStateException("cannot read admin/" + name, e);
            }
        }
    }

    /** {@code GET /admin}: the page. */
    public void page(Exchange exchange) {
        serve(exchange, "index.html");
    }

    /** {@code GET /admin/{file}}: one file of the list, or 404. */
    public void file(Exchange exchange) {
        serve(exchange, exchange.getMessage().getHeader("file", String.class));
    }

    private void serve(Exchange exchange, String name) {
        byte[] body = name == null ? null : content.get(name);
        if (body == null) {
            throw new AdminError(404, "No such file");
        }
        // the page is small and changes with each release: always ask again
        AdminReply.reply(exchange.getMessage(), 200, FILES.get(name), body, "no-cache");
    }
}
