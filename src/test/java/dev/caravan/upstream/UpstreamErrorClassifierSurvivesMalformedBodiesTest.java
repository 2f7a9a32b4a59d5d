package dev.caravan.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.keys.Verdict;
import dev.caravan.keys.Verdict.Kind;
import dev.caravan.support.GoogleBodies;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proxies, load balancers and truncated connections answer with HTML, nothing, or half a JSON document: the
 * status alone must then decide, and nothing may throw.
 */
class UpstreamErrorClassifierSurvivesMalformedBodiesTest {

    private static final long NOW = 1_750_000_000_000L;
    private static final String HTML = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";

    private final UpstreamErrorClassifier classifier = new UpstreamErrorClassifier(new ObjectMapper(), 5_000, 3_600_000);

    static Stream<Arguments> bodies() {
        return Stream.of(
                Arguments.of(502, HTML, Kind.UPSTREAM_FAILURE),
                Arguments.of(429, HTML, Kind.THROTTLED),
                Arguments.of(400, HTML, Kind.CLIENT_ERROR),
                Arguments.of(403, HTML, Kind.KEY_DISABLED),
                Arguments.of(404, "Not Found", Kind.CLIENT_ERROR),
                Arguments.of(429, "", Kind.THROTTLED),
                Arguments.of(429, null, Kind.THROTTLED),
                Arguments.of(400, "null", Kind.CLIENT_ERROR),
                Arguments.of(429, "[]", Kind.THROTTLED),
                Arguments.of(429, "[1]", Kind.THROTTLED),
                Arguments.of(400, "\"just a string\"", Kind.CLIENT_ERROR),
                Arguments.of(429, "{\"error\": 5}", Kind.THROTTLED),
                Arguments.of(429, "{\"error\": {\"details\": \"oops\"}}", Kind.THROTTLED),
                Arguments.of(429, "{\"error\": {\"details\": [1, null, \"x\", {\"@type\": 7}]}}", Kind.THROTTLED),
                Arguments.of(429, "{\"error\": {\"details\": [{\"@type\": \"type.googleapis.com/google.rpc.QuotaFailure\", \"violations\": \"x\"}]}}", Kind.THROTTLED),
                Arguments.of(429, GoogleBodies.quotaPerMinute("27s").substring(0, 300), Kind.THROTTLED),
                Arguments.of(400, GoogleBodies.keyInvalid().substring(0, 200), Kind.CLIENT_ERROR),
                Arguments.of(503, "upstream connect error or disconnect/reset before headers", Kind.UPSTREAM_FAILURE),
                Arguments.of(429, GoogleBodies.quotaPerMinute("soon").replace("\"quotaId\"", "\"notQuotaId\""), Kind.THROTTLED),
                Arguments.of(429, GoogleBodies.quotaPerMinute("-3s").replace("\"quotaId\"", "\"notQuotaId\""), Kind.THROTTLED),
                Arguments.of(429, GoogleBodies.quotaPerMinute("NaNs").replace("\"quotaId\"", "\"notQuotaId\""), Kind.THROTTLED),
                Arguments.of(429, GoogleBodies.quotaPerMinute("Infinitys").replace("\"quotaId\"", "\"notQuotaId\""), Kind.THROTTLED),
                Arguments.of(429, GoogleBodies.quotaPerMinute("1e400s").replace("\"quotaId\"", "\"notQuotaId\""), Kind.THROTTLED));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("bodies")
    void decidesByStatusAloneWhenTheBodyIsNotGooglesEnvelope(int status, String body, Kind expected) {
        byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);

        Verdict v = classifier.classify(status, bytes, NOW);

        assertThat(v.kind()).isEqualTo(expected);
        assertThat(v.evidence().status()).isEqualTo(status);
        assertThat(v.untilMillis()).isEqualTo(expected == Kind.THROTTLED ? NOW + 5_000 : 0);
    }

    @ParameterizedTest(name = "status {0}")
    @MethodSource("statuses")
    void decidesByStatusAloneWhenTheBodyIsNotUtf8(int status, Kind expected) {
        byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0xc3, 0x28};

        assertThat(classifier.classify(status, garbage, NOW).kind()).isEqualTo(expected);
    }

    static Stream<Arguments> statuses() {
        return Stream.of(
                Arguments.of(400, Kind.CLIENT_ERROR),
                Arguments.of(429, Kind.THROTTLED),
                Arguments.of(500, Kind.UPSTREAM_FAILURE));
    }
}
