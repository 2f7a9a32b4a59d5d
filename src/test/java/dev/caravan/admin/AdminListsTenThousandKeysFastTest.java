package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.Evidence;
import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 6, Keys view at scale: with 10,000 keys a page of the table, searched, filtered or sorted, answers well
 * under 200 ms, and a bulk action on a thousand keys is one call.
 */
class AdminListsTenThousandKeysFastTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-0");

    @Test
    void aPageOfTenThousandKeysAnswersWellUnder200Milliseconds() throws Exception {
        List<String> many = new ArrayList<>();
        for (int i = 1; i < 10_000; i++) {
            many.add(String.format("AIzaSy%033d", i));
        }
        gateway.pool().add(many);
        List<ApiKey> keys = gateway.pool().keys();
        for (int i = 0; i < keys.size(); i += 7) {
            gateway.pool().disable(keys.get(i), new Evidence(0, "OPERATOR_DISABLED", null, i));
        }
        AdminClient admin = new AdminClient(gateway).login();
        String[] pages = {"/admin/api/keys?size=50", "/admin/api/keys?page=150&size=50&sort=fingerprint",
                "/admin/api/keys?state=operator&sort=changed&dir=desc", "/admin/api/keys?q=00099&sort=usage",
                "/admin/api/keys?sort=state&dir=desc&page=3&size=200", "/admin/api/keys?q=" + many.get(4321)};
        // the JIT's first pass is not what an operator sees after a minute of use
        for (int warm = 0; warm < 5; warm++) {
            for (String p : pages) {
                admin.get(p);
            }
        }

        for (String p : pages) {
            long best = Long.MAX_VALUE;
            HttpResponse<String> res = null;
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                res = admin.get(p);
                best = Math.min(best, (System.nanoTime() - t0) / 1_000_000);
            }
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(best).as(p).isLessThan(200);
        }
        JsonNode first = AdminClient.json(admin.get("/admin/api/keys?size=50"));
        assertThat(first.path("total").asInt()).isEqualTo(10_000);
        assertThat(first.path("keys")).hasSize(50);
        assertThat(AdminClient.json(admin.get("/admin/api/keys?state=operator")).path("total").asInt()).isEqualTo(1429);
        assertThat(AdminClient.json(admin.get("/admin/api/keys?q=" + many.get(4321))).path("keys").get(0)
                .path("fingerprint").asText()).isEqualTo(gateway.key(many.get(4321)).fingerprint());

        List<String> thousand = keys.subList(0, 1000).stream().map(ApiKey::fingerprint).toList();
        HttpResponse<String> bulk = admin.post("/admin/api/keys/actions",
                AdminClient.body("action", "reset", "fingerprints", thousand));
        assertThat(bulk.statusCode()).isEqualTo(200);
        assertThat(AdminClient.json(bulk).path("done")).hasSize(1000);
    }
}
