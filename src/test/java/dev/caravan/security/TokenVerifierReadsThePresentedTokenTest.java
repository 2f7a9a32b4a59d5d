package dev.caravan.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The client's token is read where Google's and OpenAI's clients put it: x-goog-api-key first, then
 * Authorization: Bearer, then the key parameter of the query string (percent-decoded), and nowhere else.
 */
class TokenVerifierReadsThePresentedTokenTest {

    @Test
    void readsGooglesHeaderWhenOnlyItIsSent() {
        assertThat(TokenVerifier.presented("tok-goog", null, null)).isEqualTo("tok-goog");
    }

    @Test
    void readsTheBearerTokenWhenOnlyAuthorizationIsSent() {
        assertThat(TokenVerifier.presented(null, "Bearer tok-bearer", null)).isEqualTo("tok-bearer");
        assertThat(TokenVerifier.presented(null, "bearer  tok-bearer ", null)).isEqualTo("tok-bearer");
    }

    @Test
    void readsTheKeyParameterWhenOnlyItIsSent() {
        assertThat(TokenVerifier.presented(null, null, "key=tok-query")).isEqualTo("tok-query");
        assertThat(TokenVerifier.presented(null, null, "alt=sse&key=tok%2Fquery&pageSize=5")).isEqualTo("tok/query");
    }

    @Test
    void prefersGooglesHeaderWhenAllThreeAreSent() {
        assertThat(TokenVerifier.presented("tok-goog", "Bearer tok-bearer", "key=tok-query")).isEqualTo("tok-goog");
    }

    @Test
    void prefersTheBearerTokenOverTheKeyParameterWhenBothAreSent() {
        assertThat(TokenVerifier.presented(null, "Bearer tok-bearer", "key=tok-query")).isEqualTo("tok-bearer");
    }

    @Test
    void fallsBackToTheKeyParameterWhenAuthorizationIsNotBearer() {
        assertThat(TokenVerifier.presented(null, "Basic dXNlcjpwYXNz", "key=tok-query")).isEqualTo("tok-query");
    }

    @Test
    void readsNoOtherQueryParameterWhenOnlyOthersAreSent() {
        assertThat(TokenVerifier.presented(null, null, "Authorization=Bearer%20tok&x-goog-api-key=tok&KEY=tok&akey=tok"))
                .isNull();
    }

    @Test
    void findsNoTokenWhenNoneIsSent() {
        assertThat(TokenVerifier.presented(null, null, null)).isNull();
        assertThat(TokenVerifier.presented("  ", "Bearer", "key=")).isNull();
        assertThat(TokenVerifier.presented(null, null, "key=%zz")).as("malformed escape").isNull();
    }
}
