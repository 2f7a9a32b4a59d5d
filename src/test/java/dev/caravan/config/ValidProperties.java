package dev.caravan.config;

import java.util.Properties;

/** A complete set of valid {@code caravan.*} properties, as application.properties resolves them. */
final class ValidProperties {

    private ValidProperties() {
    }

    static Properties with(String property, String value) {
        Properties p = all();
        p.setProperty(property, value);
        return p;
    }

    static Properties all() {
        Properties p = new Properties();
        p.setProperty("caravan.port", "8000");
        p.setProperty("caravan.api-keys", "");
        p.setProperty("caravan.allowed-tokens", "");
        p.setProperty("caravan.auth-token", "");
        p.setProperty("caravan.base-url", "https://generativelanguage.googleapis.com/v1beta");
        p.setProperty("caravan.max-failures", "3");
        p.setProperty("caravan.max-retries", "3");
        p.setProperty("caravan.time-out", "300");
        p.setProperty("caravan.max-body-bytes", "20971520");
        p.setProperty("caravan.worker-pool-size", "1024");
        p.setProperty("caravan.upstream-pool-size", "512");
        p.setProperty("caravan.throttle-cooldown-seconds", "5");
        p.setProperty("caravan.unavailable-model-hours", "24");
        return p;
    }
}
