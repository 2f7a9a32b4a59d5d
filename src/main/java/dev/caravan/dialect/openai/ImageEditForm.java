package dev.caravan.dialect.openai;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.caravan.http.MultipartBody;

/**
 * Reads OpenAI's {@code /v1/images/edits} form (multipart/form-data, as OpenAI's SDKs send it): {@code image} (one
 * or several, also as {@code image[]}), {@code prompt}, {@code n}, {@code size}, {@code response_format},
 * {@code model} and an optional {@code mask}. An image is taken by its bytes, not by the type or name the client gave
 * it (SDKs send {@code application/octet-stream}, or no file name at all): PNG, JPEG, WEBP, HEIC and HEIF, the image
 * types Gemini reads. Fields OpenAI defines for its own models ({@code quality}, {@code background},
 * {@code output_format}, {@code input_fidelity}, {@code user}, ...) are ignored; {@code stream=true} is refused, as an
 * edit is answered whole. The body's size is bounded before this runs (MAX_BODY_SIZE, 413). Stateless; thread-safe.
 */
public final class ImageEditForm {

    /** OpenAI's own limit of input images per edit. */
    public static final int OPENAI_MAX_IMAGES = 16;

    private final int maxImages;

    /** @param maxImages the most input images one edit may carry (OpenAI's limit is 16) */
    public ImageEditForm(int maxImages) {
        this.maxImages = maxImages;
    }

    /** @throws InvalidOpenAiRequest for a missing or malformed field, a file that is no image, too many images */
    public ImageEdit read(List<MultipartBody.Part> parts) {
        Map<String, String> fields = new HashMap<>();
        List<InlineData> images = new ArrayList<>();
        InlineData mask = null;
        for (MultipartBody.Part part : parts) {
            switch (part.name()) {
                case "image", "image[]" -> {
                    if (images.size() == maxImages) {
                        throw new InvalidOpenAiRequest("At most " + maxImages + " images may be edited at once", "image");
                    }
                    images.add(image(part.bytes(), "image"));
                }
                case "mask" -> {
                    if (mask != null) {
                        throw new InvalidOpenAiRequest("Only one mask may be sent", "mask");
                    }
                    mask = image(part.bytes(), "mask");
                }
                default -> {
                    if (part.fileName() != null) {
                        throw new InvalidOpenAiRequest("Unknown file field '" + bounded(part.name())
                                + "'; an edit takes image (or image[]) and mask", bounded(part.name()));
                    }
                    fields.put(part.name(), part.text());
                }
            }
        }
        String stream = fields.get("stream");
        if (stream != null && stream.trim().equalsIgnoreCase("true")) {
            throw new InvalidOpenAiRequest("stream is not supported for image edits; the answer comes whole", "stream");
        }
        String prompt = fields.get("prompt");
        if (prompt == null || prompt.isBlank()) {
            throw new InvalidOpenAiRequest("prompt is required", "prompt");
        }
        if (images.isEmpty()) {
            throw new InvalidOpenAiRequest("image is required: one image file, or several as image[]", "image");
        }
        return new ImageEdit(prompt, blankToNull(fields.get("model")), blankToNull(fields.get("n")),
                blankToNull(fields.get("size")), blankToNull(fields.get("response_format")), images, mask);
    }

    private static InlineData image(byte[] bytes, String field) {
        String mime = imageType(bytes);
        if (mime == null) {
            throw new InvalidOpenAiRequest(field + " must be a PNG, JPEG, WEBP, HEIC or HEIF image", field);
        }
        return new InlineData(mime, Base64.getEncoder().encodeToString(bytes));
    }

    /** The image type of {@code b} by its first bytes, or null when it is none Gemini reads. */
    static String imageType(byte[] b) {
        if (starts(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return "image/png";
        }
        if (starts(b, 0, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (starts(b, 0, 'R', 'I', 'F', 'F') && starts(b, 8, 'W', 'E', 'B', 'P')) {
            return "image/webp";
        }
        if (starts(b, 4, 'f', 't', 'y', 'p') && b.length >= 12) {
            String brand = new String(b, 8, 4, java.nio.charset.StandardCharsets.US_ASCII);
            return switch (brand) {
                case "heic", "heix", "heim", "heis", "hevc", "hevx" -> "image/heic";
                case "mif1", "msf1" -> "image/heif";
                default -> null;
            };
        }
        return null;
    }

    private static boolean starts(byte[] b, int offset, int... expected) {
        if (b.length < offset + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((b[offset + i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** A client's field name, as it may appear in an error message: printable ASCII, at most 40 characters. */
    private static String bounded(String name) {
        String clean = name.replaceAll("[^\\x20-\\x7E]", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "..." : clean;
    }
}
