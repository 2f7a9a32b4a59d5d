package dev.caravan.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.caravan.keys.KeyFingerprint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** A client gets in with one of the listed tokens, exactly as written, and with nothing else. */
class TokenVerifierAllowsOnlyListedTokensTest {

    private final TokenVerifier verifier = new TokenVerifier(List.of("sk-client-one", "sk-client-two"), throttle(),
            KeyFingerprint.ephemeral());

    private static GuessThrottle throttle() {
        return GuessThrottle.admin(() -> 0L);
    }

    @Test
    void allowsEveryListedToken() {
        assertThat(verifier.isAllowed("sk-client-one")).isTrue();
        assertThat(verifier.isAllowed("sk-client-two")).isTrue();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"sk-client-three", "sk-client-on", "sk-client-one ", " sk-client-one", "SK-CLIENT-ONE",
            "sk-client-onesk-client-two", "Bearer sk-client-one"})
    void refusesATokenThatIsNotExactlyListedWhenItIs(String token) {
        assertThat(verifier.isAllowed(token)).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    void refusesAMissingTokenWhenItIs(String token) {
        assertThat(verifier.isAllowed(token)).isFalse();
    }

    @Test
    void judgesEachTokenByItsOwnDigestWhenTheThreadRemembersTheLastOne() {
        // the edge and the token check digest the same string; the thread keeps that one digest, and no other
        String right = new String("sk-client-one");
        String wrong = new String("sk-client-one!");
        assertThat(verifier.isAllowed(right)).isTrue();
        assertThat(verifier.isAllowed(right)).isTrue();
        assertThat(verifier.isAllowed(wrong)).isFalse();
        assertThat(verifier.isAllowed(right)).isTrue();
        // a new list applies to the remembered token too
        verifier.update(List.of("sk-client-two"));
        assertThat(verifier.isAllowed(right)).isFalse();
        // another verifier has its own HMAC key: it never takes this one's digest
        TokenVerifier other = new TokenVerifier(List.of("sk-client-one"), throttle(), KeyFingerprint.ephemeral());
        assertThat(other.isAllowed(right)).isTrue();
        assertThat(verifier.isAllowed(right)).isFalse();
    }

    @Test
    void refusesEverythingWhenNoTokenIsListed() {
        TokenVerifier none = new TokenVerifier(List.of(), throttle(), KeyFingerprint.ephemeral());

        assertThat(none.isAllowed("sk-client-one")).isFalse();
        assertThat(none.isAllowed("")).isFalse();
        assertThat(none.isAllowed(null)).isFalse();
    }

    @Test
    void refusesTheEmptyTokenEvenWhenAnEmptyEntryIsListed() {
        TokenVerifier withBlank = new TokenVerifier(List.of("", "sk-client-one"), throttle(),
                KeyFingerprint.ephemeral());

        assertThat(withBlank.isAllowed("")).isFalse();
        assertThat(withBlank.isAllowed("sk-client-one")).isTrue();
    }
}
