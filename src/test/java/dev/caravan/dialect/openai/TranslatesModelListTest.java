package dev.caravan.dialect.openai;

import static dev.caravan.dialect.openai.JsonAssert.assertJson;
import static dev.caravan.dialect.openai.JsonAssert.json;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TranslatesModelListTest {

    private static final String GOOGLE = """
            {"models":[
              {"name":"models/gemini-2.5-flash","displayName":"Gemini 2.5 Flash","supportedGenerationMethods":["generateContent"]},
              {"name":"models/gemini-2.5-pro"},
              {"name":"models/gemini-2.0-flash-exp"},
              {"name":"models/embedding-001"},
              {"name":"models/aqa"}],
             "nextPageToken":"abc"}
            """;

    @Test
    void stripsPrefixDropsFilteredAndAddsDerivedIds() {
        ModelAliases aliases = new ModelAliases(List.of("gemini-2.5-flash", "gemini-9-unlisted"),
                List.of("gemini-2.0-flash-exp"), List.of("gemini-2.5-flash", "gemini-2.5-pro"), Map.of(),
                List.of("aqa", "gemini-2.0-flash-exp"));

        assertJson(new OpenAiModels(aliases, JsonAssert.CLOCK).toOpenAi(json(GOOGLE)), """
                {"object":"list","data":[
                  {"id":"gemini-2.5-flash","object":"model","created":1700000000,"owned_by":"google"},
                  {"id":"gemini-2.5-pro","object":"model","created":1700000000,"owned_by":"google"},
                  {"id":"embedding-001","object":"model","created":1700000000,"owned_by":"google"},
                  {"id":"gemini-2.5-flash-search","object":"model","created":1700000000,"owned_by":"google"},
                  {"id":"gemini-2.0-flash-exp-image","object":"model","created":1700000000,"owned_by":"google"},
                  {"id":"gemini-2.5-flash-non-thinking","object":"model","created":1700000000,"owned_by":"google"},
                  {"id":"gemini-2.5-pro-non-thinking","object":"model","created":1700000000,"owned_by":"google"}]}
                """);
    }

    @Test
    void withoutSettingsListsGoogleModelsAsTheyAre() {
        assertJson(new OpenAiModels(ModelAliases.none(), JsonAssert.CLOCK).toOpenAi(json("""
                {"models":[{"name":"models/gemini-2.5-flash"},{"name":"gemini-no-prefix"}]}
                """)), """
                {"object":"list","data":[
                  {"id":"gemini-2.5-flash","object":"model","created":1700000000,"owned_by":"google"},
                  {"id":"gemini-no-prefix","object":"model","created":1700000000,"owned_by":"google"}]}
                """);
    }

    @Test
    void emptyGoogleListGivesAnEmptyList() {
        assertJson(new OpenAiModels(ModelAliases.none(), JsonAssert.CLOCK).toOpenAi(json("{}")),
                "{\"object\":\"list\",\"data\":[]}");
    }
}
