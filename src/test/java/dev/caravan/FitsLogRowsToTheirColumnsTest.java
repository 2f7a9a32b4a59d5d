package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.caravan.support.Gateway;
import dev.caravan.support.Rows;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, finding 4: what a client sends is stored cut to the size its column declares (MySQL would refuse a longer
 * value, and with it the whole batch of rows): a long method, a long path, a long model in the body of the pass-through.
 * The sizes are read from the migrations themselves, the same for SQLite and MySQL.
 */
class FitsLogRowsToTheirColumnsTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("fits-key-a");

    private final Rows.Db db = gateway::openDatabase;

    @Test
    void everyTextValueFitsItsColumnWhateverTheClientSent() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(200, "{\"object\":\"chat.completion\"}"));
        long before = Rows.count(db, "request_log");

        // an HTTP method is any token, of any length
        send(HttpRequest.newBuilder(URI.create(gateway.url("/v1beta/models")))
                .method("PROPFINDANDSOMEMOREWORDS", HttpRequest.BodyPublishers.noBody()));
        send(HttpRequest.newBuilder(URI.create(gateway.url("/v1beta/" + "p".repeat(3000)))).GET());
        send(HttpRequest.newBuilder(URI.create(gateway.url("/openai/v1/chat/completions")))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + "m".repeat(64 * 1024) + "\",\"messages\":[]}")));
        send(HttpRequest.newBuilder(URI.create(gateway.url("/v1beta/models/" + "g".repeat(128) + ":generateContent")))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Gateway.prompt("hi"))));

        await().atMost(Duration.ofSeconds(10)).until(() -> Rows.count(db, "request_log") >= before + 4);
        Map<String, Integer> requestColumns = textColumns("sqlite", "request_log");
        Map<String, Integer> errorColumns = textColumns("sqlite", "error_log");
        assertThat(requestColumns).containsKeys("method", "path", "model").isEqualTo(textColumns("mysql", "request_log"));
        assertThat(errorColumns).containsKeys("path", "model").isEqualTo(textColumns("mysql", "error_log"));
        assertFits("request_log", requestColumns);
        assertFits("error_log", errorColumns);
        assertThat(Rows.query(db, "SELECT method FROM request_log WHERE method LIKE 'PROPFIND%'"))
                .extracting(r -> r.get("method")).containsExactly("PROPFIND");
        assertThat(Rows.query(db, "SELECT model FROM request_log WHERE model LIKE 'ggg%'"))
                .extracting(r -> r.get("model")).containsExactly("g".repeat(128));
    }

    private void assertFits(String table, Map<String, Integer> columns) {
        for (Map<String, Object> row : Rows.query(db, "SELECT * FROM " + table)) {
            columns.forEach((column, size) -> {
                Object value = row.get(column);
                if (value instanceof String text) {
                    assertThat(text.codePointCount(0, text.length())).as("%s.%s", table, column).isLessThanOrEqualTo(size);
                }
            });
        }
    }

    private static void send(HttpRequest.Builder request) throws Exception {
        gateway.send(request.header("x-goog-api-key", Gateway.TOKEN));
    }

    /** The VARCHAR columns of {@code table} and their sizes, as the first migration declares them. */
    private static Map<String, Integer> textColumns(String flavour, String table) throws Exception {
        Path folder = Path.of("src/main/resources/db/migration", flavour);
        String sql;
        try (var files = Files.list(folder)) {
            sql = Files.readString(files.filter(f -> f.getFileName().toString().startsWith("V1__")).findFirst().orElseThrow());
        }
        Matcher create = Pattern.compile("CREATE TABLE " + table + " \\((.*?)\\n\\)", Pattern.DOTALL).matcher(sql);
        assertThat(create.find()).as("%s in %s", table, folder).isTrue();
        Map<String, Integer> columns = new HashMap<>();
        Matcher column = Pattern.compile("(?m)^\\s+(\\w+)\\s+VARCHAR\\((\\d+)\\)").matcher(create.group(1));
        while (column.find()) {
            columns.put(column.group(1), Integer.parseInt(column.group(2)));
        }
        return columns;
    }
}
