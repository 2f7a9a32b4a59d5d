package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.keys.Evidence;
import dev.caravan.support.Gateway;
import dev.caravan.support.StubFiles;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Files uploaded through Caravan stay with the client token that uploaded them (FILES_USER_ISOLATION_ENABLED, on by
 * default: another token is answered 404 everywhere, as if the file did not exist) and with the key whose project
 * holds them, across a restart: generateContent naming a file goes with that key only, and when it cannot, the
 * client is told which file is the problem instead of another key being tried in vain.
 */
class KeepsFilesToTheirClientAndTheirKeyTest {

    private static final String OTHER_TOKEN = "client-token-2";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a", "pool-key-b")
            .set("caravan.allowed-tokens", "[\"" + Gateway.TOKEN + "\",\"" + OTHER_TOKEN + "\"]");

    @Test
    void anotherTokenFindsNoTraceOfAClientsFile() throws Exception {
        Upload up = upload(Gateway.TOKEN, "secret plans".getBytes());
        // the upload URL points at Caravan, with Caravan's own id: neither Google's session nor a key is in it
        assertThat(up.uploadUrl()).startsWith(gateway.url("/upload/v1beta/files?upload_id="))
                .doesNotContain("ABgVH").doesNotContain("pool-key").doesNotContain("key=");
        String id = up.name().substring("files/".length());

        assertThat(call("GET", "/v1beta/files/" + id, OTHER_TOKEN, null).statusCode()).isEqualTo(404);
        assertThat(call("DELETE", "/v1beta/files/" + id, OTHER_TOKEN, null).statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(call("GET", "/v1beta/files", OTHER_TOKEN, null).body()).has("files")).isFalse();
        HttpResponse<String> generate = call("POST", "/v1beta/models/gemini-2.5-flash:generateContent", OTHER_TOKEN,
                generateWith(up.uri()));
        assertThat(generate.statusCode()).isEqualTo(404);
        assertThat(generate.body()).contains(up.name());
        // JSON lets a name be written with escapes, and Google reads fileUri in "file\\u0055ri" (a backslash-u escape
        // for the U), in a field name or in the value alike: the same 404, nothing sent
        for (String escaped : new String[] {
                generateWith(up.uri()).replace("fileUri", "file\\u0055ri"),
                generateWith(up.uri()).replace("fileUri", "file_\\u0075ri"),
                generateWith(up.uri()).replace("/files/", "/\\u0066iles/").replace("fileUri", "fil\\u0065Uri")}) {
            HttpResponse<String> sneaky = call("POST", "/v1beta/models/gemini-2.5-flash:generateContent", OTHER_TOKEN,
                    escaped);
            assertThat(sneaky.statusCode()).as(escaped).isEqualTo(404);
        }

        // the owner sees it; the other token's attempts never reached Google
        assertThat(call("GET", "/v1beta/files/" + id, Gateway.TOKEN, null).statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(call("GET", "/v1beta/files", Gateway.TOKEN, null).body()).get("files").get(0)
                .get("name").asText()).isEqualTo(up.name());
        assertThat(gateway.stub().files().calls()).filteredOn(c -> c.path().startsWith("/v1beta/files/")).hasSize(1);
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void aFileNoKeysProjectHoldsIsTheClientsMistakeAndStrikesNoKey() throws Exception {
        // a file Caravan has no record of (uploaded elsewhere, expired, invented): Google refuses it to every key
        gateway.stub().answer(r -> new StubGemini.Json(403, """
                {"error": {"code": 403, "message": "You do not have permission to access the File nosuchfile1 or it may not exist.",
                  "status": "PERMISSION_DENIED"}}"""));

        HttpResponse<String> r = call("POST", "/v1beta/models/gemini-2.5-flash:generateContent", Gateway.TOKEN,
                generateWith("https://generativelanguage.googleapis.com/v1beta/files/nosuchfile1"));

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("nosuchfile1");
        assertThat(gateway.stub().received()).hasSize(1);
        assertThat(gateway.pool().keys()).allSatisfy(k -> {
            assertThat(k.state()).isEqualTo(dev.caravan.keys.KeyState.ACTIVE);
            assertThat(k.strikes()).isZero();
        });
    }

    @Test
    void aNameAnotherClientsFileHoldsIsNotTakenOver() throws Exception {
        Upload first = upload(Gateway.TOKEN, "mine".getBytes());

        // asked for at the start: refused before anything goes to Google
        int before = gateway.stub().files().calls().size();
        HttpResponse<String> start = http().send(HttpRequest.newBuilder(URI.create(gateway.url("/upload/v1beta/files")))
                .header("x-goog-api-key", OTHER_TOKEN).header("X-Goog-Upload-Protocol", "resumable")
                .header("X-Goog-Upload-Command", "start").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"file\":{\"name\":\"" + first.name() + "\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(start.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(start.body()).at("/error/status").asText()).isEqualTo("ALREADY_EXISTS");
        assertThat(gateway.stub().files().calls()).hasSize(before);

        // given by Google at the end (another key's project took the name): the record stays the first owner's
        gateway.stub().files().nameNextFile(first.name());
        HttpResponse<String> started = start(OTHER_TOKEN);
        String url = started.headers().firstValue("x-goog-upload-url").orElseThrow();
        HttpResponse<String> done = http().send(HttpRequest.newBuilder(URI.create(url))
                .header("x-goog-api-key", OTHER_TOKEN).header("X-Goog-Upload-Command", "upload, finalize")
                .header("X-Goog-Upload-Offset", "0").POST(HttpRequest.BodyPublishers.ofString("theirs")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(done.statusCode()).isEqualTo(409);

        // Caravan's records (the list is served from them): still the first client's, none for the other
        assertThat(JSON.readTree(call("GET", "/v1beta/files", Gateway.TOKEN, null).body()).path("files").toString())
                .contains(first.name());
        assertThat(JSON.readTree(call("GET", "/v1beta/files", OTHER_TOKEN, null).body()).has("files")).isFalse();
    }

    @Test
    void anotherTokenCannotContinueAClientsUpload() throws Exception {
        HttpResponse<String> start = start(Gateway.TOKEN);
        String url = start.headers().firstValue("x-goog-upload-url").orElseThrow();
        HttpResponse<String> chunk = http().send(HttpRequest.newBuilder(URI.create(url))
                .header("x-goog-api-key", OTHER_TOKEN).header("X-Goog-Upload-Command", "upload, finalize")
                .header("X-Goog-Upload-Offset", "0").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[100])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chunk.statusCode()).isEqualTo(404);
        assertThat(gateway.stub().files().calls()).extracting(StubFiles.Call::command).containsExactly("start");
    }

    @Test
    void generateContentGoesWithTheUploadingKeyAfterARestart() throws Exception {
        Upload up = upload(Gateway.TOKEN, "a picture".getBytes());
        String owner = gateway.stub().files().files().get(0).key();
        gateway.restart();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = call("POST", "/v1beta/models/gemini-2.5-flash:generateContent", Gateway.TOKEN,
                    generateWith(up.uri()));
            assertThat(r.statusCode()).isEqualTo(200);
        }
        assertThat(gateway.stub().keysSeen()).hasSize(3).containsOnly(owner);
    }

    @Test
    void aFailureIsChargedToTheFilesKeyAndNoOtherKeyIsTried() throws Exception {
        Upload up = upload(Gateway.TOKEN, "data".getBytes());
        String owner = gateway.stub().files().files().get(0).key();
        gateway.stub().answer(r -> new StubGemini.Json(503, dev.caravan.support.GoogleBodies.unavailable()));
        HttpResponse<String> r = call("POST", "/v1beta/models/gemini-2.5-flash:generateContent", Gateway.TOKEN,
                generateWith(up.uri()));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(gateway.stub().keysSeen()).isNotEmpty().containsOnly(owner);
        String other = owner.equals("pool-key-a") ? "pool-key-b" : "pool-key-a";
        assertThat(gateway.key(other).strikes()).isZero();
        assertThat(gateway.key(owner).strikes()).isPositive();
    }

    @Test
    void aFileWhoseKeyIsOutOfRotationIsNamedInTheError() throws Exception {
        Upload up = upload(Gateway.TOKEN, "notes".getBytes());
        String owner = gateway.stub().files().files().get(0).key();
        gateway.pool().disable(gateway.key(owner), new Evidence(0, "OPERATOR", null, System.currentTimeMillis()));
        HttpResponse<String> r = call("POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                Gateway.TOKEN, generateWith(up.uri()));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains(up.name()).contains("out of rotation");
        HttpResponse<String> openAi = call("POST", "/v1/chat/completions", Gateway.TOKEN,
                "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(openAi.statusCode()).isEqualTo(200);
        // no attempt with a key that cannot see the file
        assertThat(gateway.stub().received()).hasSize(1).allMatch(x -> x.path().endsWith(":generateContent"));
    }

    @Test
    void filesOfTwoKeysInOneRequestAreRefused() throws Exception {
        Upload first = upload(Gateway.TOKEN, "one".getBytes());
        Upload second = upload(Gateway.TOKEN, "two".getBytes());
        List<StubFiles.StoredFile> stored = gateway.stub().files().files();
        while (stored.stream().map(StubFiles.StoredFile::key).distinct().count() < 2) {
            second = upload(Gateway.TOKEN, "again".getBytes());
            stored = gateway.stub().files().files();
        }
        Upload other = second;
        String body = "{\"contents\":[{\"parts\":[{\"fileData\":{\"fileUri\":\"" + first.uri() + "\"}},"
                + "{\"fileData\":{\"fileUri\":\"" + other.uri() + "\"}},{\"text\":\"compare\"}]}]}";
        HttpResponse<String> r = call("POST", "/v1beta/models/gemini-2.5-flash:generateContent", Gateway.TOKEN, body);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("different API keys");
        assertThat(gateway.stub().received()).isEmpty();
    }

    // --- helpers: Google's resumable protocol as a plain HTTP client speaks it ---

    record Upload(String uploadUrl, String name, String uri) {
    }

    private static Upload upload(String token, byte[] content) throws Exception {
        HttpResponse<String> start = start(token);
        assertThat(start.statusCode()).isEqualTo(200);
        assertThat(start.headers().firstValue("x-goog-upload-status")).contains("active");
        String url = start.headers().firstValue("x-goog-upload-url").orElseThrow();
        HttpResponse<String> done = http().send(HttpRequest.newBuilder(URI.create(url))
                .header("x-goog-api-key", token).header("X-Goog-Upload-Command", "upload, finalize")
                .header("X-Goog-Upload-Offset", "0").POST(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(done.headers().firstValue("x-goog-upload-status")).contains("final");
        JsonNode file = JSON.readTree(done.body()).get("file");
        return new Upload(url, file.get("name").asText(), file.get("uri").asText());
    }

    private static HttpResponse<String> start(String token) throws Exception {
        return http().send(HttpRequest.newBuilder(URI.create(gateway.url("/upload/v1beta/files")))
                .header("x-goog-api-key", token).header("X-Goog-Upload-Protocol", "resumable")
                .header("X-Goog-Upload-Command", "start").header("X-Goog-Upload-Header-Content-Type", "text/plain")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"file\":{\"display_name\":\"notes\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String generateWith(String uri) {
        return "{\"contents\":[{\"parts\":[{\"fileData\":{\"mimeType\":\"text/plain\",\"fileUri\":\"" + uri
                + "\"}},{\"text\":\"what is this\"}]}]}";
    }

    private static HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.url(path))).header("x-goog-api-key", token);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http().send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static java.net.http.HttpClient http() {
        return gateway.http();
    }
}
