package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.keys.Project;
import dev.caravan.support.AdminClient;
import dev.caravan.support.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14: an operator says which project a key belongs to on the admin page, by the action "project" or by pasting
 * keys as API_KEYS writes them (key@project); the project's word is the operator's and survives a restart.
 */
class AdminSetsKeyProjectsTest {

    private static final String NEW_1 = "AIza" + "SyP1234567890abcdefghijklmnopqrstuv";
    private static final String NEW_2 = "AIza" + "SyQ1234567890abcdefghijklmnopqrstuv";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("pool-key-a", "pool-key-b").keepingKeyState();

    private static String projectAction(String project, String... fingerprints) {
        StringBuilder fps = new StringBuilder();
        for (String f : fingerprints) {
            fps.append(fps.isEmpty() ? "" : ",").append('"').append(f).append('"');
        }
        return "{\"action\":\"project\",\"project\":\"" + project + "\",\"fingerprints\":[" + fps + "]}";
    }

    @Test
    void theProjectActionPutsKeysInOneProjectAndClearsIt() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();
        String a = gateway.key("pool-key-a").fingerprint();
        String b = gateway.key("pool-key-b").fingerprint();

        HttpResponse<String> set = admin.post("/admin/api/keys/actions", projectAction("proj-x", a, b));
        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(AdminClient.json(set).path("done")).hasSize(2);
        assertThat(gateway.key("pool-key-a").project()).isSameAs(gateway.key("pool-key-b").project());
        assertThat(gateway.key("pool-key-a").project().name()).isEqualTo("proj-x");
        assertThat(gateway.key("pool-key-a").projectSource()).isEqualTo(Project.Source.OPERATOR);

        HttpResponse<String> bad = admin.post("/admin/api/keys/actions", projectAction("no spaces", a));
        assertThat(bad.statusCode()).isEqualTo(400);

        gateway.restart();
        assertThat(gateway.key("pool-key-a").project().name()).as("kept across a restart").isEqualTo("proj-x");

        admin = new AdminClient(gateway).login();
        HttpResponse<String> cleared = admin.post("/admin/api/keys/actions", projectAction("", a));
        assertThat(AdminClient.json(cleared).path("done")).hasSize(1);
        assertThat(gateway.key("pool-key-a").project().own()).isTrue();
    }

    @Test
    void pastedKeysKeepTheirProject() throws Exception {
        AdminClient admin = new AdminClient(gateway).login();
        String paste = "API_KEYS=[\"" + NEW_1 + "@proj-p\",\"" + NEW_2 + "\"]";
        HttpResponse<String> added = admin.post("/admin/api/keys", AdminClient.body("text", paste));
        JsonNode r = AdminClient.json(added);
        assertThat(r.path("added")).hasSize(2);
        assertThat(added.body()).doesNotContain(NEW_1).doesNotContain("SyP1234567890");
        assertThat(gateway.key(NEW_1).project().name()).isEqualTo("proj-p");
        assertThat(gateway.key(NEW_2).project().own()).isTrue();

        // pasted again with a project: the operator names the project of a key the pool has
        admin.post("/admin/api/keys", AdminClient.body("text", NEW_2 + "@proj-p"));
        assertThat(gateway.key(NEW_2).project()).isSameAs(gateway.key(NEW_1).project());
    }
}
