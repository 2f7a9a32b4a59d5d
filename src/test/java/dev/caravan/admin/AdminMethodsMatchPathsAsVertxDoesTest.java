package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A route path matches a request path segment by segment, {name} standing for one segment, as Vert.x routes. */
class AdminMethodsMatchPathsAsVertxDoesTest {

    @Test
    void matchesSegmentBySegment() {
        String[][] matching = {
            {"/admin", "/admin"},
            {"/admin", "/admin/"},
            {"/admin/{file}", "/admin/app.js"},
            {"/admin/api/keys", "/admin/api/keys/"},
            {"/admin/api/logs/requests/{id}", "/admin/api/logs/requests/42"},
            {"admin/api/keys", "/admin/api/keys"},
        };
        for (String[] c : matching) {
            assertThat(AdminMethods.matches(c[0], c[1])).as(c[0] + " ~ " + c[1]).isTrue();
        }
    }

    @Test
    void leavesOtherPathsAlone() {
        String[][] other = {
            {"/admin", "/administrator"},
            {"/admin/{file}", "/admin"},
            {"/admin/{file}", "/admin/api/keys"},
            {"/admin/api/keys", "/admin/api/keys/actions"},
            {"/admin/api/logs/requests/{id}", "/admin/api/logs/requests"},
            {"/admin/api/logs/requests/{id}", "/admin/api/logs/requests//"},
            {"/admin/*", "/admin/api/keys"},
            {"/admin/api/keys", null},
        };
        for (String[] c : other) {
            assertThat(AdminMethods.matches(c[0], c[1])).as(c[0] + " ~ " + c[1]).isFalse();
        }
    }
}
