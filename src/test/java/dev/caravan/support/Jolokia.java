package dev.caravan.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Talks to the gateway's Jolokia over HTTP as Hawtio and scripts do: one JSON request POSTed to
 * {@code /observe/jolokia} on the management port, with the Authorization header the test chooses.
 */
public final class Jolokia {

    public static final String PATH = "/observe/jolokia";

    private final Gateway gateway;

    public Jolokia(Gateway gateway) {
        this.gateway = gateway;
    }

    /** The MBean of the route with {@code id} in Caravan's Camel context. */
    public static String routeMBean(String id) {
        return "org.apache.camel:context=caravan,type=routes,name=\"" + id + "\"";
    }

    /**
     * A route's MBean in this gateway's own context: JMX names a context "caravan", or "caravan-N" when another
     * context of the same JVM (an earlier test's) still holds that name.
     */
    public static String routeMBean(Gateway gateway, String id) {
        return "org.apache.camel:context=" + gateway.caravan().context().getManagementName()
                + ",type=routes,name=\"" + id + "\"";
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }

    /** HTTP Basic, as Hawtio's connect dialog sends a user name and a password. */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public static ObjectNode read(String mbean, String attribute) {
        return AdminClient.JSON.createObjectNode().put("type", "read").put("mbean", mbean).put("attribute", attribute);
    }

    /** An MBean operation with no arguments, e.g. {@code reset()}. */
    public static ObjectNode exec(String mbean, String operation) {
        return AdminClient.JSON.createObjectNode().put("type", "exec").put("mbean", mbean).put("operation", operation);
    }

    /** POSTs one Jolokia request; {@code authorization} null sends no Authorization header. */
    public HttpResponse<String> post(JsonNode request, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.managementUrl(PATH)))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toString()));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return gateway.send(b);
    }

    /** GETs {@code path} on the management port (e.g. {@code /observe/jolokia/version}). */
    public HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.managementUrl(path))).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return gateway.send(b);
    }

    /** The admin's answer to {@code request}, as JSON (Jolokia's own {@code status}, {@code value}, {@code error}). */
    public JsonNode asAdmin(JsonNode request) throws IOException, InterruptedException {
        return json(post(request, bearer(Gateway.ADMIN_TOKEN)));
    }

    public static JsonNode json(HttpResponse<String> res) throws IOException {
        return AdminClient.JSON.readTree(res.body());
    }
}
