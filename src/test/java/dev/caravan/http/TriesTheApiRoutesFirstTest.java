package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.support.Gateway;
import io.vertx.ext.web.Route;
import java.util.List;
import java.util.Objects;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16, allocation: the HTTP router tries its routes in order, and a templated path costs a regex matcher for
 * each request that reaches it. The OpenAI and Gemini endpoints come before the admin API's twenty-odd paths, so an
 * API request meets none of those (application.properties names their files first).
 */
class TriesTheApiRoutesFirstTest {

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("order-key-a");

    @Test
    void routesTheApiSurfacesBeforeTheAdminApi() {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(gateway.caravan().context(),
                VertxPlatformHttpRouter.getRouterNameFromPort(gateway.caravan().port()));
        List<String> paths = router.getRoutes().stream().map(Route::getPath).filter(Objects::nonNull).toList();

        int firstAdmin = indexOf(paths, "/admin");
        assertThat(firstAdmin).as("an admin route is on the router: %s", paths).isNotNegative();
        assertThat(indexOf(paths, "/v1/chat/completions")).as("%s", paths).isNotNegative().isLessThan(firstAdmin);
        assertThat(indexOf(paths, "/v1beta/models/")).as("%s", paths).isNotNegative().isLessThan(firstAdmin);
    }

    private static int indexOf(List<String> paths, String prefix) {
        for (int i = 0; i < paths.size(); i++) {
            if (paths.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
