package dev.caravan.dialect.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What /openai/v1/ passes to Google: by default only the endpoints that store nothing under the shared pool keys,
 * each with its own method; an operator's extra paths pass with everything below them, and nothing else.
 */
class PassThroughPathsTest {

    private static final PassThroughPaths SHIPPED = new PassThroughPaths(List.of());
    private static final PassThroughPaths WITH_FILES = new PassThroughPaths(List.of("files", "images/generations"));

    @ParameterizedTest(name = "{0} {1}: shipped {2}, with files {3}")
    @CsvSource({
            "POST,   chat/completions,               true,  true",
            "POST,   embeddings,                     true,  true",
            "GET,    models,                         true,  true",
            "GET,    models/gemini-2.5-flash,        true,  true",
            // stored completions would be every client's
            "GET,    chat/completions,               false, false",
            "GET,    chat/completions/chatcmpl-1,    false, false",
            "POST,   chat/completions/chatcmpl-1,    false, false",
            "GET,    embeddings,                     false, false",
            "POST,   models,                         false, false",
            "DELETE, models/ft-model,                false, false",
            "GET,    models/a/b,                     false, false",
            "GET,    files,                          false, true",
            "POST,   files,                          false, true",
            "GET,    files/file-abc/content,         false, true",
            "DELETE, files/file-abc,                 false, true",
            "GET,    filesystem,                     false, false",
            "POST,   batches,                        false, false",
            "GET,    batches/batch-1,                false, false",
            "POST,   images/generations,             false, true",
            "POST,   images/edits,                   false, false",
            "POST,   audio/speech,                   false, false",
    })
    void allowsOnlyWhatKeepsClientsApartUnlessTheOperatorAddsMore(String method, String path, boolean shipped,
                                                                   boolean withFiles) {
        assertThat(SHIPPED.allows(method, path)).as("shipped: %s %s", method, path).isEqualTo(shipped);
        assertThat(WITH_FILES.allows(method, path)).as("with files: %s %s", method, path).isEqualTo(withFiles);
    }
}
