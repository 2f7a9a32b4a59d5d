package dev.caravan.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** No key or token reaches an error_log row: known secrets, Google-shaped keys, Bearer values, key= parameters. */
class SecretRedactorRemovesCredentialsTest {

    private final SecretRedactor redactor = new SecretRedactor(List.of("client-token-1", ""));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "pool key named by the request   | failed for pool-key-xyz today          | failed for [REDACTED] today",
            "client token                    | from client-token-1.                  | from [REDACTED].",
            "Google-shaped key               | key AIza" + "SyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI bad | key [REDACTED] bad",
            "Bearer credential               | Authorization: Bearer abc.def-ghi      | Authorization: Bearer [REDACTED]",
            "key query parameter             | GET /v1beta/models?key=secret123&x=1   | GET /v1beta/models?key=[REDACTED]&x=1",
            "nothing secret                  | Quota exceeded for metric: limit: 10   | Quota exceeded for metric: limit: 10",
    })
    void redacts(String what, String text, String expected) {
        assertThat(redactor.redact(text, List.of("pool-key-xyz"))).as(what).isEqualTo(expected);
    }

    @Test
    void passesEmptyTextThrough() {
        assertThat(redactor.redact(null, List.of())).isNull();
        assertThat(redactor.redact("", List.of("k"))).isEmpty();
    }
}
