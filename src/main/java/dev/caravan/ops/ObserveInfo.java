package dev.caravan.ops;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.support.CamelContextHelper;

/**
 * {@code /observe/info} on the management port: the Camel context (name, version, state, uptime) and the Java and
 * operating system versions. Camel's own answer also names the process id, the user and the working directory,
 * which tell a visitor more about the host than an operator needs from this page. Thread-safe.
 */
public final class ObserveInfo implements Handler<RoutingContext> {

    private final CamelContext context;
    private final ObjectMapper json;

    public ObserveInfo(CamelContext context, ObjectMapper json) {
        this.context = context;
        this.json = json;
    }

    @Override
    public void handle(RoutingContext rc) {
        Map<String, Object> camel = new LinkedHashMap<>();
        camel.put("name", context.getName());
        camel.put("version", context.getVersion());
        camel.put("status", context.getStatus().name());
        camel.put("uptime", CamelContextHelper.getUptime(context));
        Map<String, Object> java = new LinkedHashMap<>();
        java.put("version", System.getProperty("java.version"));
        java.put("vendor", System.getProperty("java.vendor"));
        java.put("vm", System.getProperty("java.vm.name"));
        Map<String, Object> os = new LinkedHashMap<>();
        os.put("name", System.getProperty("os.name"));
        os.put("arch", System.getProperty("os.arch"));
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("camel", camel);
        info.put("java", java);
        info.put("os", os);
        try {
            rc.response().putHeader("content-type", "application/json").end(json.writeValueAsString(info));
        } catch (JsonProcessingException e) {
            rc.fail(e);
        }
    }
}
