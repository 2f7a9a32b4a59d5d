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
        p.setProperty("caravan.client-token-max-failures", "5");
        p.setProperty("caravan.unauthenticated-log-seconds", "60");
        p.setProperty("caravan.base-url", "https://generativelanguage.googleapis.com/v1beta");
        p.setProperty("caravan.max-failures", "3");
        p.setProperty("caravan.max-retries", "3");
        p.setProperty("caravan.time-out", "300");
        p.setProperty("caravan.max-body-bytes", "20971520");
        p.setProperty("caravan.worker-pool-size", "1024");
        p.setProperty("caravan.request-log-queue-size", "20000");
        p.setProperty("caravan.upstream-pool-size", "512");
        p.setProperty("caravan.http-header-timeout-seconds", "20");
        p.setProperty("caravan.http-read-timeout-seconds", "60");
        p.setProperty("caravan.http-idle-timeout-seconds", "120");
        p.setProperty("caravan.shutdown-timeout-seconds", "20");
        p.setProperty("caravan.throttle-cooldown-seconds", "5");
        p.setProperty("caravan.unavailable-model-hours", "24");
        p.setProperty("caravan.search-models", "[\"gemini-2.5-flash\"]");
        p.setProperty("caravan.image-models", "gemini-2.0-flash-exp");
        p.setProperty("caravan.thinking-models", "");
        p.setProperty("caravan.thinking-budget-map", "{\"gemini-2.5-flash\": 2048}");
        p.setProperty("caravan.filtered-models", "");
        p.setProperty("caravan.models-cache-seconds", "600");
        p.setProperty("caravan.create-image-model", "imagen-4.0-generate-001");
        p.setProperty("caravan.image-fetch-max-bytes", "20971520");
        p.setProperty("caravan.image-fetch-timeout-seconds", "10");
        p.setProperty("caravan.image-fetch-allow-private", "false");
        p.setProperty("caravan.image-fetch-max-urls", "8");
        p.setProperty("caravan.openai-pass-through-extra-paths", "");
        p.setProperty("caravan.safety-settings", "");
        p.setProperty("caravan.proxies", "");
        p.setProperty("caravan.database-type", "sqlite");
        p.setProperty("caravan.sqlite-database", "data/caravan.db");
        p.setProperty("caravan.mysql-host", "");
        p.setProperty("caravan.mysql-port", "3306");
        p.setProperty("caravan.mysql-user", "");
        p.setProperty("caravan.mysql-password", "");
        p.setProperty("caravan.mysql-database", "");
        p.setProperty("caravan.auto-delete-request-logs-enabled", "false");
        p.setProperty("caravan.auto-delete-request-logs-days", "30");
        p.setProperty("caravan.auto-delete-error-logs-enabled", "true");
        p.setProperty("caravan.auto-delete-error-logs-days", "7");
        p.setProperty("caravan.check-interval-hours", "1");
        p.setProperty("caravan.test-model", "gemini-2.5-flash");
        p.setProperty("caravan.jolokia-enabled", "false");
        p.setProperty("caravan.jolokia-allow-operations", "false");
        p.setProperty("caravan.custom-headers", "");
        p.setProperty("caravan.tools-code-execution-enabled", "false");
        p.setProperty("caravan.url-context-enabled", "false");
        p.setProperty("caravan.url-context-models", "[\"gemini-2.5-flash\"]");
        p.setProperty("caravan.show-search-link", "true");
        p.setProperty("caravan.show-thinking-process", "true");
        p.setProperty("caravan.proxies-use-consistency-hash-by-api-key", "true");
        // --- Vertex Express and speech ---
        p.setProperty("caravan.vertex-api-keys", "");
        p.setProperty("caravan.vertex-express-base-url", "https://aiplatform.googleapis.com/v1beta1/publishers/google");
        p.setProperty("caravan.tts-model", "gemini-2.5-flash-preview-tts");
        p.setProperty("caravan.tts-voice-name", "Zephyr");
        p.setProperty("caravan.tts-speed", "normal");
        // Files API
        p.setProperty("caravan.files-user-isolation-enabled", "true");
        p.setProperty("caravan.files-cleanup-enabled", "true");
        p.setProperty("caravan.files-cleanup-interval-hours", "1");
        // --- Streams: heartbeats and fake streaming ---
        p.setProperty("caravan.stream-heartbeat-seconds", "15");
        p.setProperty("caravan.fake-stream-enabled", "false");
        p.setProperty("caravan.fake-stream-empty-data-interval-seconds", "5");
        // --- Stream optimizer, URL normalisation, TIMEZONE ---
        p.setProperty("caravan.stream-optimizer-enabled", "false");
        p.setProperty("caravan.stream-min-delay", "0.016");
        p.setProperty("caravan.stream-max-delay", "0.024");
        p.setProperty("caravan.stream-short-text-threshold", "10");
        p.setProperty("caravan.stream-long-text-threshold", "50");
        p.setProperty("caravan.stream-chunk-size", "5");
        p.setProperty("caravan.url-normalization-enabled", "false");
        p.setProperty("caravan.timezone", "");
        // --- Carry-over and admin parity ---
        p.setProperty("caravan.error-log-record-request-body", "false");
        p.setProperty("caravan.admin-session-expire", "3600");
        p.setProperty("caravan.log-level", "INFO");
        p.setProperty("caravan.upload-provider", "");
        p.setProperty("caravan.image-upload-timeout-seconds", "30");
        p.setProperty("caravan.image-upload-max-bytes", "20971520");
        p.setProperty("caravan.paid-key", "");
        p.setProperty("caravan.paid-models", "");
        // --- Quotas (issue 14) ---
        p.setProperty("caravan.max-rejected-keys", "32");
        p.setProperty("caravan.quota-wait-seconds", "10");
        p.setProperty("caravan.project-evidence-seconds", "5");
        p.setProperty("caravan.egress-throttle-projects", "5");
        p.setProperty("caravan.egress-throttle-window-seconds", "10");
        p.setProperty("caravan.egress-pause-max-seconds", "60");
        p.setProperty("caravan.quota-limits", "");
        p.setProperty("caravan.quota-minute-seconds", "60");
        p.setProperty("caravan.redis-url", "");
        p.setProperty("caravan.cluster-lease-seconds", "15");
        p.setProperty("caravan.redis-prefix", "caravan:");
        return p;
    }
}
