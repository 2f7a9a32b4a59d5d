/**
 * The OpenAI dialect: pure translations between OpenAI's chat completions, embeddings, models and image generation
 * and Gemini's REST API, with no Camel and no I/O of their own (image URLs go through an injected
 * {@link dev.caravan.dialect.openai.ImageFetcher}).
 *
 * <p>Decisions worth knowing before changing them:
 * <ul>
 * <li>Tool parameters travel as {@code parametersJsonSchema} and structured output as {@code responseJsonSchema},
 * not the older OpenAPI-style {@code parameters}/{@code responseSchema}: those take JSON Schema, which is what
 * OpenAI clients send (lower-case and list-valued {@code type}, {@code anyOf}, {@code additionalProperties}), and
 * they are free-form values, so an unknown keyword cannot fail the request with "Unknown name ... Cannot find
 * field". They still only honour a documented subset, so {@link dev.caravan.dialect.openai.JsonSchemaCleaner}
 * inlines {@code $ref}s and keeps only that subset.</li>
 * <li>{@code reasoning_effort} becomes {@code thinkingLevel} on Gemini 3 and a {@code thinkingBudget} elsewhere;
 * see {@code ThinkingConfigs}.</li>
 * <li>Tool call ids are Gemini's function call id when it gives one, else {@code call_} + a hash of (completion id,
 * choice, position): stable within a response, different across responses.</li>
 * <li>Gemini 3 thought signatures ride in {@code tool_calls[].extra_content.google.thought_signature} (Google's own
 * OpenAI-compatible convention) and in {@link dev.caravan.dialect.openai.ThoughtSignatures}, so clients that drop
 * unknown fields still work.</li>
 * </ul>
 */
package dev.caravan.dialect.openai;
