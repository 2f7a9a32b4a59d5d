package dev.caravan.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The gateway's key table as its admin API shows it ({@code GET /admin/api/keys}, with {@code Authorization: Bearer
 * AUTH_TOKEN}), as a script would read it. A storm key is recognised by its mask, whose last characters name its
 * project and number ({@code …07k2}). Not thread-safe.
 */
public final class GatewayKeys {

    /** One key's row: its state, the evidence of its last change, live cool-downs and, when the gateway says, its project. */
    public record Row(String fingerprint, String mask, int project, String state, String quotaId, String reason,
                      int coolingModels, String learnedProject) {
        /** Out of rotation because of a per-minute quota: what the storm's target says must never happen. */
        public boolean disabledForPerMinute() {
            return !"ACTIVE".equals(state) && quotaId != null && quotaId.contains("PerMinute");
        }
    }

    /** The table at one moment (stub clock, ms). */
    public record Snapshot(long atMillis, List<Row> rows) {
        public long out() {
            return rows.stream().filter(r -> !"ACTIVE".equals(r.state())).count();
        }

        public long disabledForPerMinute() {
            return rows.stream().filter(Row::disabledForPerMinute).count();
        }

        public long cooling() {
            return rows.stream().filter(r -> "ACTIVE".equals(r.state()) && r.coolingModels() > 0).count();
        }
    }

    private static final Pattern MASK_TAIL = Pattern.compile("(\\d\\d)k\\d$");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String gatewayUrl;
    private final String adminToken;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public GatewayKeys(String gatewayUrl, String adminToken) {
        this.gatewayUrl = gatewayUrl;
        this.adminToken = adminToken;
    }

    /** Whether the gateway answers its admin API with this token yet. */
    public boolean ready() {
        try {
            return get("/admin/api/keys?size=1").statusCode() == 200;
        } catch (Exception notYet) {
            return false;
        }
    }

    /** Every key of the table, page by page. */
    public Snapshot snapshot(long atMillis) throws Exception {
        List<Row> rows = new ArrayList<>();
        int pages = 1;
        for (int page = 1; page <= pages; page++) {
            HttpResponse<String> res = get("/admin/api/keys?size=500&page=" + page);
            if (res.statusCode() != 200) {
                throw new IllegalStateException("GET /admin/api/keys answered " + res.statusCode()
                        + ": is AUTH_TOKEN the gateway's admin token?");
            }
            JsonNode body = JSON.readTree(res.body());
            pages = body.path("pages").asInt(1);
            for (JsonNode k : body.path("keys")) {
                String mask = k.path("mask").asText("");
                Matcher m = MASK_TAIL.matcher(mask);
                JsonNode ev = k.path("evidence");
                rows.add(new Row(k.path("fingerprint").asText(), mask, m.find() ? Integer.parseInt(m.group(1)) : -1,
                        k.path("state").asText(), text(ev.path("quotaId")), text(ev.path("reason")),
                        k.path("cooldowns").size(), text(k.path("project"))));
            }
        }
        return new Snapshot(atMillis, rows);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(gatewayUrl + path))
                .header("Authorization", "Bearer " + adminToken).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String text(JsonNode n) {
        return n.isTextual() ? n.asText() : null;
    }
}
