package dev.caravan.keys;

/** Where a key stands in the pool as a whole; per-model cool-downs are kept beside it. */
public enum KeyState {
    /** In rotation (unless cooling for the model asked). */
    ACTIVE,
    /** Google said the key is not valid ({@code API_KEY_INVALID}). */
    INVALID,
    /** Google said the consumer is suspended or the key is banned. */
    SUSPENDED,
    /** Out of rotation: the API is disabled for its project, too many strikes, or an operator's choice. */
    DISABLED
}
