package dev.caravan.dialect.openai;

import dev.caravan.models.ModelName;

/**
 * The client's {@code model} field, checked once against {@link ModelName} wherever the OpenAI surface reads one
 * (chat completions, embeddings, image generations, the {@code /openai/v1} pass-through): a name Google would not
 * accept is a 400 naming {@code model}, before anything goes upstream. Stateless; thread-safe.
 */
final class ModelParam {

    private ModelParam() {
    }

    /** The model id of a name written with or without {@code models/}; 400 naming {@code model} when it is not one. */
    static String id(String requested) {
        String id = ModelName.id(requested);
        if (id == null) {
            // the name is not echoed: it may be 64 KB long or hold CR/LF
            throw new InvalidOpenAiRequest("model must be a Gemini model id: " + ModelName.RULE, "model");
        }
        return id;
    }
}
