package dev.caravan.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A malformed value stops start-up with a message naming the environment variable the operator set (and the
 * property behind it); a list that may hold keys or tokens is never echoed into that message, or into a log.
 */
class SettingsRejectsMalformedValuesTest {

    @ParameterizedTest(name = "{1}={2}")
    @CsvSource(delimiter = '|', value = {
            "caravan.max-retries                 | MAX_RETRIES               | abc",
            "caravan.max-retries                 | MAX_RETRIES               | 0",
            "caravan.max-retries                 | MAX_RETRIES               | 2.5",
            "caravan.port                        | PORT                      | 70000",
            "caravan.port                        | PORT                      | -1",
            "caravan.port                        | PORT                      | 99999999999",
            "caravan.max-failures                | MAX_FAILURES              | 0",
            "caravan.client-token-max-failures   | CLIENT_TOKEN_MAX_FAILURES | 0",
            "caravan.unauthenticated-log-seconds | UNAUTHENTICATED_LOG_SECONDS | 0",
            "caravan.time-out                    | TIME_OUT                  | ten",
            "caravan.max-body-bytes              | MAX_BODY_SIZE             | 100",
            "caravan.worker-pool-size            | WORKER_POOL_SIZE          | 2",
            "caravan.request-log-queue-size      | REQUEST_LOG_QUEUE_SIZE    | 5",
            "caravan.request-log-queue-size      | REQUEST_LOG_QUEUE_SIZE    | many",
            "caravan.upstream-pool-size          | UPSTREAM_POOL_SIZE        | 0",
            "caravan.http-header-timeout-seconds | HTTP_HEADER_TIMEOUT_SECONDS | 0",
            "caravan.http-read-timeout-seconds   | HTTP_READ_TIMEOUT_SECONDS | 1m",
            "caravan.http-idle-timeout-seconds   | HTTP_IDLE_TIMEOUT_SECONDS | -5",
            "caravan.shutdown-timeout-seconds    | SHUTDOWN_TIMEOUT_SECONDS  | 3601",
            "caravan.throttle-cooldown-seconds   | THROTTLE_COOLDOWN_SECONDS | 11",
            "caravan.unavailable-model-hours     | UNAVAILABLE_MODEL_HOURS   | 0",
            "caravan.base-url                    | BASE_URL                  | ftp://x",
            "caravan.base-url                    | BASE_URL                  | generativelanguage.googleapis.com",
            "caravan.base-url                    | BASE_URL                  | http://exa mple.com",
            "caravan.database-type               | DATABASE_TYPE             | oracle",
            "caravan.sqlite-database             | SQLITE_DATABASE           | jdbc:sqlite:x.db",
            "caravan.sqlite-database             | SQLITE_DATABASE           | x.db?mode=memory",
            "caravan.mysql-port                  | MYSQL_PORT                | 0",
            "caravan.mysql-port                  | MYSQL_PORT                | db",
            "caravan.mysql-database              | MYSQL_DATABASE            | caravan;drop",
            "caravan.auto-delete-request-logs-enabled | AUTO_DELETE_REQUEST_LOGS_ENABLED | maybe",
            "caravan.auto-delete-request-logs-days    | AUTO_DELETE_REQUEST_LOGS_DAYS    | 0",
            "caravan.auto-delete-error-logs-enabled   | AUTO_DELETE_ERROR_LOGS_ENABLED   | 2",
            "caravan.auto-delete-error-logs-days      | AUTO_DELETE_ERROR_LOGS_DAYS      | week",
            "caravan.check-interval-hours        | CHECK_INTERVAL_HOURS      | -1",
            "caravan.files-cleanup-interval-hours | FILES_CLEANUP_INTERVAL_HOURS | 0",
            "caravan.check-interval-hours        | CHECK_INTERVAL_HOURS      | 1.5",
            "caravan.test-model                  | TEST_MODEL                | models/../x",
            "caravan.create-image-model          | CREATE_IMAGE_MODEL        | imagen 4",
            "caravan.image-fetch-max-urls        | IMAGE_FETCH_MAX_URLS      | -1",
            "caravan.image-fetch-max-urls        | IMAGE_FETCH_MAX_URLS      | many",
            "caravan.openai-pass-through-extra-paths | OPENAI_PASS_THROUGH_EXTRA_PATHS | ../v1beta/files",
            "caravan.openai-pass-through-extra-paths | OPENAI_PASS_THROUGH_EXTRA_PATHS | files?x=1",
            "caravan.tools-code-execution-enabled | TOOLS_CODE_EXECUTION_ENABLED | sometimes",
            "caravan.show-search-link            | SHOW_SEARCH_LINK          | maybe",
    })
    void namesTheVariableAndShowsTheValueWhenASettingIsMalformed(String property, String variable, String raw) {
        InvalidSettingException e = catchThrowableOfType(InvalidSettingException.class,
                () -> Settings.from(ValidProperties.with(property, raw)));

        assertThat(e).as("%s=%s must be refused", variable, raw).isNotNull();
        assertThat(e.variable()).isEqualTo(variable);
        assertThat(e.getMessage()).contains(variable).contains(property).contains(raw);
    }

    @ParameterizedTest(name = "{1}={2}")
    @CsvSource(delimiter = '|', value = {
            "caravan.api-keys       | API_KEYS       | [1,2]",
            "caravan.api-keys       | API_KEYS       | [broken",
            "caravan.api-keys       | API_KEYS       | [\"test-key-LeakMe\", 2]",
            "caravan.api-keys       | API_KEYS       | [\"test-key-LeakMe\"",
            "caravan.api-keys       | API_KEYS       | [\"test-key-LeakMe\", null]",
            "caravan.api-keys       | API_KEYS       | [[\"test-key-LeakMe\"]]",
            "caravan.allowed-tokens | ALLOWED_TOKENS | [\"client-token-leak-me\", {}]",
            "caravan.allowed-tokens | ALLOWED_TOKENS | [\"client-token-leak-me\",",
            "caravan.custom-headers | CUSTOM_HEADERS | [\"X-Relay-Auth: leak-me\"]",
            "caravan.custom-headers | CUSTOM_HEADERS | {\"Authorization\": \"Bearer leak-me\"}",
            "caravan.custom-headers | CUSTOM_HEADERS | {\"X-Relay-Auth\": {\"x\": \"leak-me\"}}",
            "caravan.custom-headers | CUSTOM_HEADERS | {\"X-Relay-Auth\": \"leak-me\\r\\nX-Other: 1\"}",
            "caravan.custom-headers | CUSTOM_HEADERS | {\"X Relay\": \"leak-me\"}",
    })
    void namesTheVariableWithoutEchoingItWhenASecretListIsMalformed(String property, String variable, String raw) {
        InvalidSettingException e = catchThrowableOfType(InvalidSettingException.class,
                () -> Settings.from(ValidProperties.with(property, raw)));

        assertThat(e).as("%s must be refused", variable).isNotNull();
        assertThat(e.variable()).isEqualTo(variable);
        assertThat(e.getMessage()).contains(variable).doesNotContain(raw).doesNotContain("LeakMe").doesNotContain("leak-me");
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            assertThat(cause.getMessage()).as("a cause would be logged with its message").doesNotContain("LeakMe").doesNotContain("leak-me");
        }
    }

    @ParameterizedTest(name = "{0} missing")
    @CsvSource(delimiter = '|', value = {
            "caravan.mysql-host     | MYSQL_HOST",
            "caravan.mysql-database | MYSQL_DATABASE",
            "caravan.mysql-user     | MYSQL_USER",
    })
    void namesWhatMysqlStillNeeds(String property, String variable) {
        Properties p = ValidProperties.all();
        p.setProperty("caravan.database-type", "mysql");
        p.setProperty("caravan.mysql-host", "db");
        p.setProperty("caravan.mysql-database", "caravan");
        p.setProperty("caravan.mysql-user", "caravan");
        p.setProperty("caravan.mysql-password", "pw-never-echoed");
        p.setProperty(property, "");

        InvalidSettingException e = catchThrowableOfType(InvalidSettingException.class, () -> Settings.from(p));

        assertThat(e).isNotNull();
        assertThat(e.variable()).isEqualTo(variable);
        assertThat(e.getMessage()).contains(variable).contains("DATABASE_TYPE=mysql").doesNotContain("pw-never-echoed");
    }

    @Test
    void namesTheVariableWhenARequiredSettingIsMissing() {
        Properties p = ValidProperties.all();
        p.remove("caravan.port");

        InvalidSettingException e = catchThrowableOfType(InvalidSettingException.class, () -> Settings.from(p));

        assertThat(e).isNotNull();
        assertThat(e.variable()).isEqualTo("PORT");
        assertThat(e.getMessage()).contains("PORT");
    }
}
