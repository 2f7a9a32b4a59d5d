package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.OpenAiSdk;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway's errors reach OpenAI's Java SDK as the exceptions its users catch, with OpenAI's type, code and
 * message read from the envelope: 401 UnauthorizedException, 400 BadRequestException, 404 NotFoundException,
 * 429 RateLimitException with Retry-After, 5xx InternalServerException.
 */
class OpenAiSdkErrorsTest {

    private static final List<String> POOL = List.of("sdkerr-pool-key-a", "sdkerr-pool-key-b");
    private static final ChatCompletionCreateParams HELLO = ChatCompletionCreateParams.builder()
            .model("gemini-2.5-flash").addUserMessage("hello").build();

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(POOL.toArray(String[]::new));

    @RegisterExtension
    static final OpenAiSdk.Session sdk = OpenAiSdk.session(gateway);

    @Test
    void wrongTokenRaisesUnauthorized() {
        OpenAIClient stranger = OpenAIOkHttpClient.builder().baseUrl(gateway.url("/v1")).apiKey("sk-not-ours")
                .maxRetries(0).build();
        try {
            UnauthorizedException e = catchThrowableOfType(UnauthorizedException.class,
                    () -> stranger.chat().completions().create(HELLO));

            assertThat(e.statusCode()).isEqualTo(401);
            assertThat(e.type()).hasValue("authentication_error");
            assertThat(e.code()).hasValue("invalid_api_key");
            assertThat(gateway.stub().received()).isEmpty();
        } finally {
            stranger.close();
        }
    }

    @Test
    void badRequestRaisesBadRequestWithTheParam() {
        BadRequestException e = catchThrowableOfType(BadRequestException.class,
                () -> sdk.client().chat().completions().create(HELLO.toBuilder()
                        .putAdditionalBodyProperty("messages", JsonValue.from("not a list")).build()));

        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.type()).hasValue("invalid_request_error");
        assertThat(e.param()).hasValue("messages");
        assertThat(gateway.stub().received()).isEmpty();
    }

    @Test
    void unknownModelRaisesNotFoundWithGooglesMessage() {
        gateway.stub().answer(r -> new StubGemini.Json(404, GoogleBodies.notFound()));

        NotFoundException e = catchThrowableOfType(NotFoundException.class,
                () -> sdk.client().chat().completions().create(HELLO));

        assertThat(e.type()).hasValue("invalid_request_error");
        assertThat(e.getMessage()).contains("is not found");
        assertThat(gateway.stub().received()).hasSize(1);
    }

    @Test
    void everyKeyCoolingRaisesRateLimitWithRetryAfter() {
        gateway.stub().answer(r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("30s")));

        RateLimitException e = catchThrowableOfType(RateLimitException.class,
                () -> sdk.client().chat().completions().create(HELLO));

        assertThat(e.type()).hasValue("rate_limit_error");
        assertThat(e.headers().values("retry-after")).singleElement()
                .satisfies(v -> assertThat(Integer.parseInt(v)).isBetween(29, 30));
        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrderElementsOf(POOL);
    }

    @Test
    void googleFailingRaisesInternalServerError() {
        gateway.stub().answer(r -> new StubGemini.Json(503, GoogleBodies.unavailable()));

        OpenAIServiceException e = catchThrowableOfType(InternalServerException.class,
                () -> sdk.client().chat().completions().create(HELLO));

        assertThat(e.statusCode()).isEqualTo(503);
        assertThat(e.type()).hasValue("server_error");
        assertThat(gateway.stub().keysSeen()).containsExactlyInAnyOrderElementsOf(POOL);
    }
}
