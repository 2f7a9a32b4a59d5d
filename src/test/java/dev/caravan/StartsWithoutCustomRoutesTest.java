package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;

import dev.caravan.support.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 9 §4: no operators' folder, or an empty one, is a normal start; a missing folder is created for them. */
class StartsWithoutCustomRoutesTest {

    // this gateway's folder does not exist before it starts (no customRoute given)
    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a");

    @Test
    void startsWhenTheFolderIsMissingAndCreatesIt() throws Exception {
        assertThat(gateway.customRoutesFolder()).isEmptyDirectory();
        assertThat(servesTheAdminPage()).isEqualTo(200);
    }

    @Test
    void startsWithAnEmptyFolder() throws Exception {
        assertThat(Files.isDirectory(gateway.customRoutesFolder())).isTrue();

        gateway.restart();

        assertThat(gateway.customRoutesFolder()).isEmptyDirectory();
        assertThat(servesTheAdminPage()).isEqualTo(200);
        assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hi")).statusCode())
                .isEqualTo(200);
    }

    private static int servesTheAdminPage() throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.url("/admin"))).GET());
        return res.statusCode();
    }
}
