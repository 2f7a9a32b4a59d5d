package dev.caravan.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** gemini-balance's smart URL normalisation rules (§1.10), case by case, and what Caravan refuses to guess. */
class UrlNormalizationTest {

    private final UrlNormalization rules = new UrlNormalization();

    @ParameterizedTest(name = "{0} {1} ?model={2}&stream={3} -> {4}")
    @CsvSource(nullValues = "null", value = {
        // 1. generateContent or v1beta/models: the Gemini surface
        "POST, /v1/models/gemini-2.5-flash/generateContent,            null, null, /v1beta/models/gemini-2.5-flash:generateContent",
        "POST, /v1/models/gemini-2.5-flash:generateContent,            null, null, /v1beta/models/gemini-2.5-flash:generateContent",
        "POST, /V1BETA/MODELS/gemini-2.5-flash/GenerateContent,        null, null, /v1beta/models/gemini-2.5-flash:generateContent",
        "POST, /api/v1beta/models/gemini-2.5-pro/streamGenerateContent, null, null, /v1beta/models/gemini-2.5-pro:streamGenerateContent",
        "POST, /generateContent,                                       gemini-2.5-flash, null, /v1beta/models/gemini-2.5-flash:generateContent",
        "POST, /generateContent,                                       models/gemini-2.5-flash, true, /v1beta/models/gemini-2.5-flash:streamGenerateContent",
        "POST, /proxy/v1beta/models/a-model/generateContent,           b-model, null, /v1beta/models/b-model:generateContent",
        "POST, /vertex-express/models/gemini-2.5-flash/generateContent, null, null, /vertex-express/v1beta/models/gemini-2.5-flash:generateContent",
        "GET,  /v1beta/models/gemini-2.5-flash/generateContent,        null, null, /v1beta/models",
        "GET,  /x/v1beta/models,                                       null, null, /v1beta/models",
        // 2. /openai/: Google's own OpenAI surface, by keyword
        "POST, /openai/chat/completions,                               null, null, /openai/v1/chat/completions",
        "POST, /api/openai/embeddings,                                 null, null, /openai/v1/embeddings",
        "POST, /openai/images,                                         null, null, /openai/v1/images/generations",
        "GET,  /openai/models/list,                                    null, null, /openai/v1/models",
        // 3. /v1/: Caravan's translated OpenAI surface
        "POST, /api/v1/chat/completions,                               null, null, /v1/chat/completions",
        "POST, /v1/completions,                                        null, null, /v1/chat/completions",
        "POST, /v1/embedding,                                          null, null, /v1/embeddings",
        "POST, /v1/images/generate,                                    null, null, /v1/images/generations",
        "POST, /v1/audio/tts,                                          null, null, /v1/audio/speech",
        "GET,  /v1/model,                                              null, null, /v1/models",
        // 4. /chat/completions anywhere
        "POST, /chat/completions,                                      null, null, /v1/chat/completions",
        "POST, /proxy/chat/completions,                                null, null, /v1/chat/completions",
    })
    void rewritesByGeminiBalancesRules(String method, String path, String model, String stream, String expected) {
        assertThat(rules.canonical(method, path, model, stream)).isEqualTo(expected);
        // a canonical path is never rewritten again: a rewrite that no route serves either ends in 404, not a loop
        assertThat(rules.canonical(method, expected, model, stream)).isNull();
    }

    @ParameterizedTest(name = "{0} {1} ?model={2}")
    @CsvSource(nullValues = "null", value = {
        // no model to be had: the body is never read for one
        "POST, /generateContent,                                null",
        // a model breaking the rule is not swapped for the path's, nor sent to Google
        "POST, /v1/models/gemini-2.5-flash/generateContent,     bad/../model",
        "POST, /v1/models/bad%2F..%2Fx/generateContent,         null",
        "POST, /generateContent,                                gemini flash",
        // the operator's and the operations' doors
        "POST, /admin/v1/chat/completions,                      null",
        "GET,  /admin/api/v1beta/models,                        null",
        "GET,  /health/v1/models,                               null",
        "GET,  /observe/v1beta/models,                          null",
        "POST, /upload/v1beta/files/generateContent,            gemini-2.5-flash",
        "POST, /UPLOAD/chat/completions,                        null",
        // only GET and POST
        "DELETE, /v1/models/gemini-2.5-flash/generateContent,   null",
        "PUT,  /chat/completions,                               null",
        // nothing matches
        "POST, /v1/unknown,                                     null",
        "GET,  /v1/chat/completions/x,                          null",
        "POST, /something/else,                                 null",
        "GET,  /,                                               null",
    })
    void leavesAloneWhatItMustNotGuess(String method, String path, String model) {
        assertThat(rules.canonical(method, path, model, null)).isNull();
    }

    @org.junit.jupiter.api.Test
    void leavesAloneAPathOverTheLimit() {
        String path = "/v1/chat/completions/" + "x".repeat(UrlNormalization.MAX_PATH_LENGTH);

        assertThat(rules.canonical("POST", path, null, null)).isNull();
        assertThat(rules.canonical("POST", path.substring(0, UrlNormalization.MAX_PATH_LENGTH), null, null))
                .isEqualTo("/v1/chat/completions");
    }
}
