package dev.caravan.dialect.openai;

import java.util.List;

/**
 * An OpenAI {@code /v1/images/edits} request as read from its form: the text fields as sent (validated when
 * translated) and the images already checked to be images. Immutable; thread-safe.
 *
 * @param prompt         the prompt (required)
 * @param model          the model asked for, or null for CREATE_IMAGE_MODEL
 * @param n              {@code n} as sent, or null
 * @param size           {@code size} as sent, or null
 * @param responseFormat {@code response_format} as sent, or null
 * @param images         the input images, in the order sent (at least one)
 * @param mask           the mask, or null
 */
public record ImageEdit(String prompt, String model, String n, String size, String responseFormat,
                        List<InlineData> images, InlineData mask) {

    public ImageEdit {
        images = List.copyOf(images);
    }
}
