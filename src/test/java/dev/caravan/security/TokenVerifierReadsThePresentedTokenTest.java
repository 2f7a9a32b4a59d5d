package dev.caravan.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import dev.caravan.errors.ClientError;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client's token is read where Google's and OpenAI's clients put it: x-goog-api-key first, then
 * Authorization: Bearer, then the key query parameter (a header once platform-http has read the query).
 */
class TokenVerifierReadsThePresentedTokenTest {

    private static CamelContext camel;

    @BeforeAll
    static void createContext() {
        camel = new DefaultCamelContext();
        // started, as in the gateway: only a started context gives messages case-insensitive headers
        camel.start();
    }

    @AfterAll
    static void closeContext() throws Exception {
        camel.close();
    }

    private static Message message(String... headers) {
        Message m = new DefaultMessage(camel);
        for (int i = 0; i < headers.length; i += 2) {
            m.setHeader(headers[i], headers[i + 1]);
        }
        return m;
    }

    @Test
    void readsGooglesHeaderWhenOnlyItIsSent() {
        assertThat(TokenVerifier.presented(message("x-goog-api-key", "tok-goog"))).isEqualTo("tok-goog");
    }

    @Test
    void readsTheBearerTokenWhenOnlyAuthorizationIsSent() {
        assertThat(TokenVerifier.presented(message("Authorization", "Bearer tok-bearer"))).isEqualTo("tok-bearer");
    }

    @Test
    void readsTheKeyParameterWhenOnlyItIsSent() {
        assertThat(TokenVerifier.presented(message("key", "tok-query"))).isEqualTo("tok-query");
    }

    @Test
    void prefersGooglesHeaderWhenAllThreeAreSent() {
        Message m = message("key", "tok-query", "Authorization", "Bearer tok-bearer", "x-goog-api-key", "tok-goog");

        assertThat(TokenVerifier.presented(m)).isEqualTo("tok-goog");
    }

    @Test
    void prefersTheBearerTokenOverTheKeyParameterWhenBothAreSent() {
        Message m = message("key", "tok-query", "Authorization", "Bearer tok-bearer");

        assertThat(TokenVerifier.presented(m)).isEqualTo("tok-bearer");
    }

    @Test
    void readsHeadersWhateverTheirCaseWhenAClientCapitalisesThem() {
        assertThat(TokenVerifier.presented(message("X-Goog-Api-Key", "tok-goog"))).isEqualTo("tok-goog");
        assertThat(TokenVerifier.presented(message("authorization", "bearer  tok-bearer "))).isEqualTo("tok-bearer");
    }

    @Test
    void fallsBackToTheKeyParameterWhenAuthorizationIsNotBearer() {
        Message m = message("Authorization", "Basic dXNlcjpwYXNz", "key", "tok-query");

        assertThat(TokenVerifier.presented(m)).isEqualTo("tok-query");
    }

    @Test
    void findsNoTokenWhenNoneIsSent() {
        assertThat(TokenVerifier.presented(message())).isNull();
        assertThat(TokenVerifier.presented(message("Authorization", "Bearer"))).isNull();
    }

    @Test
    void letsAnAllowedTokenThroughAndRefusesOthersWith401WhenProcessingAnExchange() {
        TokenVerifier verifier = new TokenVerifier(List.of("tok-bearer"));
        Exchange allowed = new DefaultExchange(camel);
        allowed.getMessage().setHeader("Authorization", "Bearer tok-bearer");
        Exchange refused = new DefaultExchange(camel);
        refused.getMessage().setHeader("x-goog-api-key", "tok-wrong");
        refused.getMessage().setHeader("Authorization", "Bearer tok-bearer");

        assertThatCode(() -> verifier.process(allowed)).doesNotThrowAnyException();
        ClientError e = catchThrowableOfType(ClientError.class, () -> verifier.process(refused));
        assertThat(e).as("x-goog-api-key wins, and it is wrong").isNotNull();
        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e.status()).isEqualTo("UNAUTHENTICATED");
        assertThat(e.getMessage()).doesNotContain("tok-wrong").doesNotContain("tok-bearer");
    }
}
