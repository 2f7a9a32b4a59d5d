package dev.caravan.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.keys.Verdict;
import dev.caravan.upstream.RequestContext;
import org.junit.jupiter.api.Test;

/** The attempts column is JSON that any reader parses back to what was tried, escaped where a value needs it. */
class RequestLogWritesAttemptsAsJsonTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void eachAttemptIsAnObjectWithItsKeyStatusAndVerdict() throws Exception {
        String text = RequestLog.attemptsJson(List.of(
                new RequestContext.Attempt("fp-a", 429, Verdict.Kind.QUOTA_COOLDOWN),
                new RequestContext.Attempt("fp-\"b\\\n", 200, null)));
        JsonNode attempts = json.readTree(text);

        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).path("key").asText()).isEqualTo("fp-a");
        assertThat(attempts.get(0).path("status").asInt()).isEqualTo(429);
        assertThat(attempts.get(0).path("verdict").asText()).isEqualTo("QUOTA_COOLDOWN");
        assertThat(attempts.get(1).path("key").asText()).isEqualTo("fp-\"b\\\n");
        assertThat(attempts.get(1).path("verdict").isNull()).isTrue();
        assertThat(RequestLog.attemptsJson(List.of())).isEqualTo("[]");
    }
}
