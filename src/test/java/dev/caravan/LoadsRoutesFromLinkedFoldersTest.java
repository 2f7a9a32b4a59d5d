package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import dev.caravan.support.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A route folder may be a symbolic link (routes kept in a shared folder, a CUSTOM_ROUTES_DIR pointing elsewhere):
 * Camel's own scan walks a folder without following links and found nothing there, so the shipped routes or the
 * operator's own were silently left out. Both load through links, and their files are named under the link.
 */
class LoadsRoutesFromLinkedFoldersTest {

    private static final Path FOLDERS = linkedFolders();
    private static final Path ROUTES = FOLDERS.resolve("routes-link");
    private static final Path CUSTOM = FOLDERS.resolve("custom-link");

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a")
            .set("camel.main.routes-include-pattern", shippedPattern().replace("file:routes/", "file:" + ROUTES + "/"))
            .set("caravan.custom-routes-dir", CUSTOM.toString());

    /** routes-link → the project's routes/, custom-link → a folder holding one route of an operator's own. */
    private static Path linkedFolders() {
        try {
            Path folder = Files.createTempDirectory("caravan-links-");
            Path custom = Files.createDirectories(folder.resolve("kept-elsewhere"));
            Files.writeString(custom.resolve("ping.yaml"), LoadsCustomRoutesFromTheirFolderTest.PING);
            Files.createSymbolicLink(folder.resolve("routes-link"), Path.of("routes").toAbsolutePath());
            Files.createSymbolicLink(folder.resolve("custom-link"), custom);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** camel.main.routes-include-pattern as application.properties ships it. */
    private static String shippedPattern() {
        Properties shipped = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("application.properties"))) {
            shipped.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return shipped.getProperty("camel.main.routes-include-pattern");
    }

    @Test
    void servesTheShippedRoutesThroughALinkedFolder() throws Exception {
        HttpResponse<String> res = gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi"));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(gateway.stub().received()).singleElement().satisfies(sent -> {
            assertThat(sent.path()).endsWith("/models/gemini-2.5-flash:generateContent");
            assertThat(sent.key()).isEqualTo("key-a");
        });
    }

    @Test
    void servesAnOperatorsRouteThroughALinkedFolder() throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/custom/ping"))).GET());

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("{\"pong\":true}");
    }

    @Test
    void namesEachRouteFileUnderItsLink() {
        assertThat(gateway.caravan().context().getRoute("upstream-call").getSourceResource().getLocation())
                .isEqualTo("file:" + ROUTES.resolve("upstream.camel.yaml"));
        assertThat(gateway.caravan().context().getRoute("custom-ping").getSourceResource().getLocation())
                .isEqualTo("file:" + CUSTOM.resolve("ping.yaml"));
    }
}
