package dev.caravan.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** Every caravan.* property lands, typed, in its setting; the defaults of application.properties are accepted. */
class SettingsReadsEveryPropertyTest {

    @Test
    void readsEachPropertyIntoItsSetting() {
        Properties p = new Properties();
        p.setProperty("caravan.port", "9123");
        p.setProperty("caravan.api-keys", "AIzaKeyOne,AIzaKeyTwo");
        p.setProperty("caravan.allowed-tokens", "[\"client-1\"]");
        p.setProperty("caravan.auth-token", "  admin-secret-0123456  ");
        p.setProperty("caravan.client-token-max-failures", "12");
        p.setProperty("caravan.unauthenticated-log-seconds", "30");
        p.setProperty("caravan.base-url", "http://127.0.0.1:8089/v1beta");
        p.setProperty("caravan.max-failures", "7");
        p.setProperty("caravan.max-retries", "4");
        p.setProperty("caravan.time-out", "120");
        p.setProperty("caravan.max-body-bytes", "2048");
        p.setProperty("caravan.worker-pool-size", "64");
        p.setProperty("caravan.request-log-queue-size", "500");
        p.setProperty("caravan.upstream-pool-size", "32");
        p.setProperty("caravan.http-header-timeout-seconds", "7");
        p.setProperty("caravan.http-read-timeout-seconds", "8");
        p.setProperty("caravan.http-idle-timeout-seconds", "9");
        p.setProperty("caravan.shutdown-timeout-seconds", "11");
        p.setProperty("caravan.throttle-cooldown-seconds", "2");
        p.setProperty("caravan.unavailable-model-hours", "48");
        p.setProperty("caravan.search-models", "[\"gemini-2.5-pro\"]");
        p.setProperty("caravan.image-models", "img-a, img-b");
        p.setProperty("caravan.thinking-models", "think-a");
        p.setProperty("caravan.thinking-budget-map", "{\"gemini-2.5-flash\": 2048, \"gemini-2.5-pro\": -1}");
        p.setProperty("caravan.filtered-models", "[\"hidden-a\",\"hidden-b\"]");
        p.setProperty("caravan.models-cache-seconds", "30");
        p.setProperty("caravan.create-image-model", "imagen-x");
        p.setProperty("caravan.image-fetch-max-bytes", "4096");
        p.setProperty("caravan.image-fetch-timeout-seconds", "3");
        p.setProperty("caravan.image-fetch-allow-private", "true");
        p.setProperty("caravan.image-fetch-max-urls", "3");
        p.setProperty("caravan.openai-pass-through-extra-paths", "[\"files\", \"/batches\", \"images/generations\"]");
        p.setProperty("caravan.database-type", "mysql");
        p.setProperty("caravan.sqlite-database", "/var/lib/caravan/c.db");
        p.setProperty("caravan.mysql-host", "db.internal");
        p.setProperty("caravan.mysql-port", "3307");
        p.setProperty("caravan.mysql-user", "caravan");
        p.setProperty("caravan.mysql-password", " s3cret pass");
        p.setProperty("caravan.mysql-database", "caravan_prod");
        p.setProperty("caravan.auto-delete-request-logs-enabled", "true");
        p.setProperty("caravan.auto-delete-request-logs-days", "14");
        p.setProperty("caravan.auto-delete-error-logs-enabled", "false");
        p.setProperty("caravan.auto-delete-error-logs-days", "3");
        p.setProperty("caravan.check-interval-hours", "6");
        p.setProperty("caravan.test-model", "gemini-2.5-flash-lite");
        p.setProperty("caravan.jolokia-enabled", "true");
        p.setProperty("caravan.jolokia-allow-operations", "true");
        p.setProperty("caravan.custom-headers", "{\"X-Team\": \"ops\", \"X-Trace\": 7}");
        p.setProperty("caravan.tools-code-execution-enabled", "True");
        p.setProperty("caravan.url-context-enabled", "1");
        p.setProperty("caravan.url-context-models", "gemini-2.5-pro");
        p.setProperty("caravan.show-search-link", "false");
        p.setProperty("caravan.show-thinking-process", "off");
        p.setProperty("caravan.proxies-use-consistency-hash-by-api-key", "false");
        // --- Vertex Express and speech ---
        p.setProperty("caravan.vertex-api-keys", "[\"AQ.vertex-one\", \"AQ.vertex-two\"]");
        p.setProperty("caravan.vertex-express-base-url", "https://vertex.example/v1beta1/publishers/google");
        p.setProperty("caravan.tts-model", "gemini-2.5-pro-preview-tts");
        p.setProperty("caravan.tts-voice-name", "Kore");
        p.setProperty("caravan.tts-speed", "fast");
        // Files API
        p.setProperty("caravan.files-user-isolation-enabled", "false");
        p.setProperty("caravan.files-cleanup-enabled", "false");
        p.setProperty("caravan.files-cleanup-interval-hours", "12");
        // --- Streams: heartbeats and fake streaming ---
        p.setProperty("caravan.stream-heartbeat-seconds", "0");
        p.setProperty("caravan.fake-stream-enabled", "true");
        p.setProperty("caravan.fake-stream-empty-data-interval-seconds", "2");
        // --- Stream optimizer, URL normalisation, TIMEZONE ---
        p.setProperty("caravan.stream-optimizer-enabled", "True");
        p.setProperty("caravan.stream-min-delay", "0.01");
        p.setProperty("caravan.stream-max-delay", "0.03");
        p.setProperty("caravan.stream-short-text-threshold", "8");
        p.setProperty("caravan.stream-long-text-threshold", "40");
        p.setProperty("caravan.stream-chunk-size", "4");
        p.setProperty("caravan.url-normalization-enabled", "true");
        p.setProperty("caravan.timezone", "Asia/Shanghai");
        // --- Carry-over and admin parity ---
        p.setProperty("caravan.error-log-record-request-body", "true");
        p.setProperty("caravan.admin-session-expire", "7200");
        p.setProperty("caravan.log-level", "warning");
        p.setProperty("caravan.upload-provider", "CloudFlare_ImgBed");
        p.setProperty("caravan.cloudflare-imgbed-url", "https://img.example.org/upload");
        p.setProperty("caravan.image-upload-timeout-seconds", "12");
        p.setProperty("caravan.image-upload-max-bytes", "65536");
        p.setProperty("caravan.paid-key", " AIzaPaidKey ");
        p.setProperty("caravan.paid-models", "[\"gemini-3-pro-image\"]");
        // --- Quotas (issue 14) ---
        p.setProperty("caravan.max-rejected-keys", "7");
        p.setProperty("caravan.quota-wait-seconds", "3");
        p.setProperty("caravan.project-evidence-seconds", "4");
        p.setProperty("caravan.egress-throttle-projects", "6");
        p.setProperty("caravan.egress-throttle-window-seconds", "8");
        p.setProperty("caravan.egress-pause-max-seconds", "90");
        p.setProperty("caravan.quota-limits", "{\"gemini-2.5-flash\": {\"rpm\": 10, \"rpd\": 250}}");
        p.setProperty("caravan.quota-minute-seconds", "10");
        p.setProperty("caravan.redis-url", "redis://127.0.0.1:6379/2");
        p.setProperty("caravan.cluster-lease-seconds", "6");
        p.setProperty("caravan.redis-prefix", "caravan-eu:");

        Settings s = Settings.from(p);

        assertThat(s.maxRejectedKeys()).isEqualTo(7);
        assertThat(s.quotaWaitSeconds()).isEqualTo(3);
        assertThat(s.projectEvidenceSeconds()).isEqualTo(4);
        assertThat(s.egressThrottleProjects()).isEqualTo(6);
        assertThat(s.egressThrottleWindowSeconds()).isEqualTo(8);
        assertThat(s.egressPauseMaxSeconds()).isEqualTo(90);
        assertThat(s.quotaMinuteSeconds()).isEqualTo(10);
        assertThat(s.redisUrl()).isEqualTo("redis://127.0.0.1:6379/2");
        assertThat(s.clusterLeaseSeconds()).isEqualTo(6);
        assertThat(s.redisPrefix()).isEqualTo("caravan-eu:");
        assertThat(s.quotaLimits()).containsExactly(java.util.Map.entry("gemini-2.5-flash",
                new QuotaLimits(10, -1, 250)));

        assertThat(s.port()).isEqualTo(9123);
        assertThat(s.apiKeys()).containsExactly("AIzaKeyOne", "AIzaKeyTwo");
        assertThat(s.allowedTokens()).containsExactly("client-1");
        assertThat(s.authToken()).isEqualTo("admin-secret-0123456");
        assertThat(s.clientTokenMaxFailures()).isEqualTo(12);
        assertThat(s.unauthenticatedLogSeconds()).isEqualTo(30);
        assertThat(s.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:8089/v1beta"));
        assertThat(s.maxFailures()).isEqualTo(7);
        assertThat(s.maxRetries()).isEqualTo(4);
        assertThat(s.timeoutSeconds()).isEqualTo(120);
        assertThat(s.maxBodyBytes()).isEqualTo(2048);
        assertThat(s.workerPoolSize()).isEqualTo(64);
        assertThat(s.requestLogQueueSize()).isEqualTo(500);
        assertThat(s.upstreamPoolSize()).isEqualTo(32);
        assertThat(s.httpHeaderTimeoutSeconds()).isEqualTo(7);
        assertThat(s.httpReadTimeoutSeconds()).isEqualTo(8);
        assertThat(s.httpIdleTimeoutSeconds()).isEqualTo(9);
        assertThat(s.shutdownTimeoutSeconds()).isEqualTo(11);
        assertThat(s.throttleCooldownSeconds()).isEqualTo(2);
        assertThat(s.unavailableModelHours()).isEqualTo(48);
        assertThat(s.searchModels()).containsExactly("gemini-2.5-pro");
        assertThat(s.imageModels()).containsExactly("img-a", "img-b");
        assertThat(s.thinkingModels()).containsExactly("think-a");
        assertThat(s.thinkingBudgetMap()).containsExactly(
                org.assertj.core.api.Assertions.entry("gemini-2.5-flash", 2048),
                org.assertj.core.api.Assertions.entry("gemini-2.5-pro", -1));
        assertThat(s.filteredModels()).containsExactly("hidden-a", "hidden-b");
        assertThat(s.modelsCacheSeconds()).isEqualTo(30);
        assertThat(s.createImageModel()).isEqualTo("imagen-x");
        assertThat(s.imageFetchMaxBytes()).isEqualTo(4096);
        assertThat(s.imageFetchTimeoutSeconds()).isEqualTo(3);
        assertThat(s.imageFetchAllowPrivate()).isTrue();
        assertThat(s.imageFetchMaxUrls()).isEqualTo(3);
        assertThat(s.openAiPassThroughExtraPaths()).containsExactly("files", "batches", "images/generations");
        assertThat(s.databaseType()).isEqualTo(DatabaseType.MYSQL);
        assertThat(s.sqliteDatabase()).isEqualTo("/var/lib/caravan/c.db");
        assertThat(s.mysqlHost()).isEqualTo("db.internal");
        assertThat(s.mysqlPort()).isEqualTo(3307);
        assertThat(s.mysqlUser()).isEqualTo("caravan");
        assertThat(s.mysqlPassword()).as("taken as written").isEqualTo(" s3cret pass");
        assertThat(s.mysqlDatabase()).isEqualTo("caravan_prod");
        assertThat(s.autoDeleteRequestLogsEnabled()).isTrue();
        assertThat(s.autoDeleteRequestLogsDays()).isEqualTo(14);
        assertThat(s.autoDeleteErrorLogsEnabled()).isFalse();
        assertThat(s.autoDeleteErrorLogsDays()).isEqualTo(3);
        assertThat(s.checkIntervalHours()).isEqualTo(6);
        assertThat(s.testModel()).isEqualTo("gemini-2.5-flash-lite");
        assertThat(s.jolokiaEnabled()).isTrue();
        assertThat(s.jolokiaAllowOperations()).isTrue();
        assertThat(s.customHeaders()).containsExactly(
                org.assertj.core.api.Assertions.entry("X-Team", "ops"), org.assertj.core.api.Assertions.entry("X-Trace", "7"));
        assertThat(s.toolsCodeExecutionEnabled()).as("gemini-balance's .env writes True").isTrue();
        assertThat(s.urlContextEnabled()).isTrue();
        assertThat(s.urlContextModels()).containsExactly("gemini-2.5-pro");
        assertThat(s.showSearchLink()).isFalse();
        assertThat(s.showThinkingProcess()).isFalse();
        assertThat(s.proxiesUseConsistencyHashByApiKey()).isFalse();
        assertThat(s.vertexApiKeys()).containsExactly("AQ.vertex-one", "AQ.vertex-two");
        assertThat(s.vertexExpressBaseUrl()).hasToString("https://vertex.example/v1beta1/publishers/google");
        assertThat(s.ttsModel()).isEqualTo("gemini-2.5-pro-preview-tts");
        assertThat(s.ttsVoiceName()).isEqualTo("Kore");
        assertThat(s.ttsSpeed()).isEqualTo("fast");
        // Files API
        assertThat(s.filesUserIsolationEnabled()).isFalse();
        assertThat(s.filesCleanupEnabled()).isFalse();
        assertThat(s.filesCleanupIntervalHours()).isEqualTo(12);
        // --- Streams: heartbeats and fake streaming ---
        assertThat(s.streamHeartbeatSeconds()).isZero();
        assertThat(s.fakeStreamEnabled()).isTrue();
        assertThat(s.fakeStreamEmptyDataIntervalSeconds()).isEqualTo(2);
        assertThat(s.streamOptimizer().enabled()).isTrue();
        assertThat(s.streamOptimizer().chunkSize()).isEqualTo(4);
        assertThat(s.urlNormalizationEnabled()).isTrue();
        assertThat(s.timezone()).hasToString("Asia/Shanghai");
        assertThat(s.errorLogRecordRequestBody()).isTrue();
        assertThat(s.adminSessionExpireSeconds()).isEqualTo(7200);
        assertThat(s.logLevel()).as("gemini-balance's name, log4j's level").isEqualTo("WARN");
        assertThat(s.imageHost()).as("the host route's name").isEqualTo("cloudflare-imgbed");
        assertThat(s.imageUploadTimeoutSeconds()).isEqualTo(12);
        assertThat(s.imageUploadMaxBytes()).isEqualTo(65536);
        assertThat(s.paidKey()).isEqualTo("AIzaPaidKey");
        assertThat(s.paidModels()).containsExactly("gemini-3-pro-image");
    }

    @Test
    void readsGeminiBalanceValuesAsItMeantThem() {
        Properties p = ValidProperties.with("caravan.sqlite-database", "default_db");
        p.setProperty("caravan.check-interval-hours", "0");
        p.setProperty("caravan.custom-headers", "{'X-Team': 'ops'}");
        p.setProperty("caravan.show-search-link", "");
        p.setProperty("caravan.show-thinking-process", "");

        Settings s = Settings.from(p);

        assertThat(s.sqliteDatabase()).as("a bare name lies in data/, as gemini-balance keeps it").isEqualTo("data/default_db");
        assertThat(s.checkIntervalHours()).as("0 is gemini-balance's off").isZero();
        assertThat(s.customHeaders()).as("as its settings table wrote dicts").containsEntry("X-Team", "ops");
        assertThat(s.showSearchLink()).as("on unless turned off").isTrue();
        assertThat(s.showThinkingProcess()).isTrue();
        assertThat(Settings.from(ValidProperties.with("caravan.sqlite-database", "db/c.db")).sqliteDatabase())
                .as("a path is taken as written").isEqualTo("db/c.db");
    }

    @Test
    void storesInSqliteUnlessToldOtherwise() {
        Settings s = Settings.from(ValidProperties.all());

        assertThat(s.databaseType()).isEqualTo(DatabaseType.SQLITE);
        assertThat(s.sqliteDatabase()).isEqualTo("data/caravan.db");
        assertThat(s.mysqlPort()).isEqualTo(3306);
        assertThat(s.autoDeleteRequestLogsEnabled()).isFalse();
        assertThat(s.autoDeleteErrorLogsEnabled()).isTrue();
        assertThat(s.checkIntervalHours()).isEqualTo(1);
        Properties maria = ValidProperties.with("caravan.database-type", "MariaDB");
        maria.setProperty("caravan.mysql-host", "db");
        maria.setProperty("caravan.mysql-user", "caravan");
        maria.setProperty("caravan.mysql-database", "caravan");
        assertThat(Settings.from(maria).databaseType()).as("MariaDB takes MySQL's path").isEqualTo(DatabaseType.MYSQL);
    }

    @Test
    void acceptsTheDefaultsOfApplicationProperties() {
        Settings s = Settings.from(ValidProperties.all());

        assertThat(s.port()).isEqualTo(8000);
        assertThat(s.apiKeys()).isEmpty();
        assertThat(s.allowedTokens()).isEmpty();
        assertThat(s.authToken()).isEmpty();
        assertThat(s.baseUrl()).hasToString("https://generativelanguage.googleapis.com/v1beta");
        assertThat(s.jolokiaEnabled()).as("no Jolokia unless asked for").isFalse();
        assertThat(s.jolokiaAllowOperations()).as("Jolokia stays read-only").isFalse();
        assertThat(s.imageFetchMaxUrls()).isEqualTo(8);
        assertThat(s.openAiPassThroughExtraPaths()).as("nothing shared passes unless asked for").isEmpty();
        // --- Streams: heartbeats and fake streaming ---
        assertThat(s.streamHeartbeatSeconds()).isEqualTo(15);
        assertThat(s.fakeStreamEnabled()).as("gemini-balance's default").isFalse();
        assertThat(s.fakeStreamEmptyDataIntervalSeconds()).as("gemini-balance's default").isEqualTo(5);
    }

    @Test
    void trimsWhitespaceAroundNumbersAndUrls() {
        Properties p = ValidProperties.with("caravan.max-retries", " 5 ");
        p.setProperty("caravan.base-url", "  https://example.test/v1beta \t");

        Settings s = Settings.from(p);

        assertThat(s.maxRetries()).isEqualTo(5);
        assertThat(s.baseUrl()).hasToString("https://example.test/v1beta");
    }

    @Test
    void returnsListsThatCannotBeChanged() {
        Settings s = Settings.from(ValidProperties.with("caravan.api-keys", "a,b"));

        assertThat(s.apiKeys()).isUnmodifiable();
        assertThat(s.allowedTokens()).isUnmodifiable();
    }
}
