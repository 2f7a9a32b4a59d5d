package dev.caravan.dialect.openai;

/**
 * What a model id asked for by an OpenAI client means for Gemini: the real model and the feature its suffix turns
 * on. Immutable; thread-safe.
 *
 * @param requested the id as the client sent it (reported back in responses)
 * @param model     the Gemini model to call, without {@code models/}
 * @param feature   what the suffix adds
 */
public record ModelAlias(String requested, String model, Feature feature) {

    /** The behaviour a derived id adds to its base model. */
    public enum Feature {
        /** A plain model id. */
        NONE,
        /** {@code <m>-search}: Google Search grounding. */
        SEARCH,
        /** {@code <m>-image}: text and image output. */
        IMAGE,
        /** {@code <m>-non-thinking}: thinking switched off (or to the minimum the model allows). */
        NON_THINKING
    }

    public boolean is(Feature f) {
        return feature == f;
    }
}
