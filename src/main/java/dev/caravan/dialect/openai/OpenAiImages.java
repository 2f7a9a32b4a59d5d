package dev.caravan.dialect.openai;

import java.time.Clock;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.http.CompactJsonNodes;

/**
 * Translates OpenAI {@code /v1/images/generations} to Gemini and back. Gemini image models ("Nano Banana":
 * gemini-3.1-flash-image, gemini-3-pro-image, gemini-2.5-flash-image) get {@code :generateContent} with
 * {@code responseModalities [TEXT, IMAGE]} and, in {@code generationConfig.imageConfig}, the nearest supported
 * {@code aspectRatio} to {@code size} and, for the Gemini 3 models, the nearest {@code imageSize} (1K, 2K, 4K) to its
 * area (Google's image-generation docs; 2.5 Flash Image makes 1K only). Since a Gemini image model makes one
 * image per answer, {@code n > 1} is served by sending the same body n times ({@link GeminiImageRequest#calls()}) and
 * passing every reply to {@link #toOpenAi}. Models whose id starts with {@code imagen} (shut down by Google on
 * 2026-08-17, still served by Vertex or a relay) get Imagen's {@code :predict} with {@code sampleCount = n} (1 to 4).
 * gemini-balance's prompt directives ({@link PromptDirectives}: {@code {n:2}}, {@code {ratio:16:9}}) override
 * {@code n} and {@code size}. Images come back as {@code b64_json} (the default), or with {@code response_format:
 * url} as the address an image host gave them (routes/image-hosts), else as a {@code data:} URL. Thread-safe.
 */
public final class OpenAiImages {

    private static final JsonNodeFactory NODES = CompactJsonNodes.INSTANCE;
    private static final Pattern SIZE = Pattern.compile("(\\d{1,5})x(\\d{1,5})");
    private static final List<String> IMAGEN_RATIOS = List.of("1:1", "3:4", "4:3", "9:16", "16:9");
    private static final List<String> GEMINI_RATIOS = List.of(
            "1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9");
    /** Gemini 3.1 Flash Image also makes tall and wide banners. */
    private static final List<String> WIDE_RATIOS = List.of(
            "1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9", "1:4", "4:1", "1:8", "8:1");
    /** imageSize tiers by the pixels they make: 1K ~1 megapixel, 2K ~4, 4K ~16 (whatever the aspect ratio). */
    private static final List<String> IMAGE_SIZES = List.of("1K", "2K", "4K");

    private final java.util.function.Supplier<String> defaultModel;
    private final Clock clock;

    /**
     * @param defaultModel the model used when the client names none (OpenAI clients often do not), or null to
     *                     require one
     */
    public OpenAiImages(String defaultModel, Clock clock) {
        this(() -> defaultModel, clock);
    }

    private OpenAiImages(java.util.function.Supplier<String> defaultModel, Clock clock) {
        this.defaultModel = defaultModel;
        this.clock = clock;
    }

    /** @param defaultModel CREATE_IMAGE_MODEL in force, read at each request (empty or null: the client must name one) */
    public static OpenAiImages following(java.util.function.Supplier<String> defaultModel, Clock clock) {
        return new OpenAiImages(defaultModel, clock);
    }

    public GeminiImageRequest toGemini(JsonNode request) {
        if (request == null || !request.isObject()) {
            throw new InvalidOpenAiRequest("The request body must be a JSON object");
        }
        PromptDirectives directives = PromptDirectives.of(Json.requiredText(request, "prompt", "prompt"));
        String model = model(Json.text(request, "model", "model"));
        boolean imagen = model.startsWith("imagen");
        int n = count(directives.n() != null ? NODES.numberNode(directives.n()) : Json.field(request, "n"), imagen,
                directives.n() != null);
        String size = Json.text(request, "size", "size");
        List<String> ratios = ratios(model, imagen);
        String ratio = directives.ratio() != null ? directRatio(directives.ratio(), ratios) : aspectRatio(size, ratios);
        boolean urls = urls(Json.text(request, "response_format", "response_format"));
        ObjectNode body = imagen ? imagenBody(directives.prompt(), n, ratio)
                : geminiBody(directives.prompt(), ratio, takesImageSize(model) ? imageSize(size) : null);
        return new GeminiImageRequest(model, imagen, imagen ? 1 : n, urls, body);
    }

    /**
     * The Gemini body that makes images from one prompt with the model's defaults, for a chat message turned into an
     * image answer ({@code <CREATE_IMAGE_MODEL>-chat}); the prompt's directives apply.
     */
    public GeminiImageRequest fromPrompt(String prompt, String model) {
        return toGemini(NODES.objectNode().put("prompt", prompt).put("model", model));
    }

    /**
     * An image edit ({@code /v1/images/edits}) as Gemini calls: the image model gets the prompt, then the input images
     * as inlineData parts, in the order sent, as Google's image-editing examples do. Gemini image models have no mask
     * input: a mask is sent as one more image after {@code maskNote}, a sentence saying what the mask means, so the
     * model edits from language where OpenAI's models edit by pixels (a hint, not a guarantee). {@code n}, {@code size}
     * (without one the model keeps the input's shape), {@code response_format} and the prompt's directives work as
     * for generations. Imagen models, which the Gemini API does not let edit, are the client's mistake (400).
     */
    public GeminiImageRequest toGeminiEdit(ImageEdit edit, String maskNote) {
        PromptDirectives directives = PromptDirectives.of(edit.prompt());
        String model = model(edit.model());
        if (model.startsWith("imagen")) {
            throw new InvalidOpenAiRequest("Image edits take a Gemini image model (e.g. gemini-3.1-flash-image), not "
                    + model, "model");
        }
        JsonNode n = directives.n() != null ? NODES.numberNode(directives.n()) : formNumber(edit.n());
        int count = count(n, false, directives.n() != null);
        List<String> ratios = ratios(model, false);
        String ratio = directives.ratio() != null ? directRatio(directives.ratio(), ratios)
                : aspectRatio(edit.size(), ratios);
        boolean urls = urls(edit.responseFormat());
        ObjectNode body = geminiBody(directives.prompt(), ratio, takesImageSize(model) ? imageSize(edit.size()) : null);
        ArrayNode parts = (ArrayNode) body.path("contents").path(0).path("parts");
        for (InlineData image : edit.images()) {
            parts.add(image.toPart());
        }
        if (edit.mask() != null) {
            if (maskNote != null && !maskNote.isBlank()) {
                parts.addObject().put("text", maskNote);
            }
            parts.add(edit.mask().toPart());
        }
        return new GeminiImageRequest(model, false, count, urls, body);
    }

    /** A form field holding n: a whole number, or the client's mistake. */
    private static JsonNode formNumber(String value) {
        if (value == null) {
            return null;
        }
        try {
            return NODES.numberNode(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return NODES.textNode(value);
        }
    }

    /** @param replies every Gemini reply for this request ({@link GeminiImageRequest#calls()} of them) */
    public ObjectNode toOpenAi(List<JsonNode> replies, GeminiImageRequest request) {
        ObjectNode out = NODES.objectNode().put("created", clock.instant().getEpochSecond());
        ArrayNode data = out.putArray("data");
        for (JsonNode reply : replies) {
            if (request.imagen()) {
                imagenImages(reply, data, request.urls());
            } else {
                geminiImages(reply, data, request.urls());
            }
        }
        return out;
    }

    private String model(String requested) {
        String configured = defaultModel.get();
        // OpenAI's own image models (dall-e-2, dall-e-3, gpt-image-1, ...), which clients often hard-code, are served
        // by CREATE_IMAGE_MODEL, as speech serves tts-1 with TTS_MODEL
        boolean openAis = requested != null && (requested.startsWith("dall-e") || requested.startsWith("gpt-image"));
        String model = requested != null && !(openAis && configured != null && !configured.isEmpty())
                ? requested : configured;
        if (model == null || model.isEmpty()) {
            throw new InvalidOpenAiRequest("model is required", "model");
        }
        return ModelParam.id(model);
    }

    static int count(JsonNode n, boolean imagen, boolean directive) {
        if (n == null) {
            return 1;
        }
        int max = imagen ? 4 : 10;
        if (!n.isIntegralNumber() || n.asLong() < 1 || n.asLong() > max) {
            throw new InvalidOpenAiRequest((directive ? "The prompt's {n:...}" : "n") + " must be a whole number from 1 to "
                    + max + (imagen ? " for Imagen models" : ""), directive ? "prompt" : "n");
        }
        return n.asInt();
    }

    static List<String> ratios(String model, boolean imagen) {
        if (imagen) {
            return IMAGEN_RATIOS;
        }
        return model.startsWith("gemini-3.1-flash-image") ? WIDE_RATIOS : GEMINI_RATIOS;
    }

    /** A ratio the prompt asked for by name: one the model makes, or the client's mistake. */
    static String directRatio(String ratio, List<String> ratios) {
        if (!ratios.contains(ratio)) {
            throw new InvalidOpenAiRequest("The prompt's {ratio:" + ratio + "} is not one of " + String.join(", ", ratios),
                    "prompt");
        }
        return ratio;
    }

    /** The Gemini 3 image models take imageSize; 2.5 Flash Image makes 1K only (and gemini-2.0 none at all). */
    private static boolean takesImageSize(String model) {
        return !model.startsWith("gemini-2.") && !model.startsWith("gemini-1.");
    }

    /**
     * The tier nearest to {@code WxH}'s area (by log distance, so DALL-E's 1792x1024, 1.8 megapixels, is nearer 1K
     * than 2K), or null for 1K, the models' default, which is then not sent.
     */
    static String imageSize(String size) {
        if (size == null || size.equals("auto")) {
            return null;
        }
        Matcher m = SIZE.matcher(size);
        if (!m.matches()) {
            return null;
        }
        double area = Double.parseDouble(m.group(1)) * Double.parseDouble(m.group(2));
        String best = null;
        double bestDistance = Double.MAX_VALUE;
        for (int i = 0; i < IMAGE_SIZES.size(); i++) {
            double tier = (1024L << i) * (double) (1024L << i);
            double distance = Math.abs(Math.log(area / tier));
            if (distance < bestDistance) {
                best = IMAGE_SIZES.get(i);
                bestDistance = distance;
            }
        }
        return "1K".equals(best) ? null : best;
    }

    private static boolean urls(String format) {
        if (format == null || format.equals("b64_json")) {
            return false;
        }
        if (format.equals("url")) {
            return true;
        }
        throw new InvalidOpenAiRequest("response_format '" + format + "' is not one of url, b64_json",
                "response_format");
    }

    private static ObjectNode imagenBody(String prompt, int n, String ratio) {
        ObjectNode body = NODES.objectNode();
        body.putArray("instances").addObject().put("prompt", prompt);
        ObjectNode parameters = body.putObject("parameters").put("sampleCount", n);
        if (ratio != null) {
            parameters.put("aspectRatio", ratio);
        }
        return body;
    }

    private static ObjectNode geminiBody(String prompt, String ratio, String imageSize) {
        ObjectNode body = NODES.objectNode();
        body.putArray("contents").addObject().put("role", "user").putArray("parts").addObject().put("text", prompt);
        ObjectNode config = body.putObject("generationConfig");
        config.putArray("responseModalities").add("TEXT").add("IMAGE");
        if (ratio != null || imageSize != null) {
            ObjectNode image = config.putObject("imageConfig");
            if (ratio != null) {
                image.put("aspectRatio", ratio);
            }
            if (imageSize != null) {
                image.put("imageSize", imageSize);
            }
        }
        return body;
    }

    /** The ratio nearest to {@code WxH} (by log distance, so 2:1 and 1:2 are equally far from 1:1), or null. */
    static String aspectRatio(String size, List<String> ratios) {
        if (size == null || size.equals("auto")) {
            return null;
        }
        Matcher m = SIZE.matcher(size);
        if (!m.matches() || Integer.parseInt(m.group(1)) == 0 || Integer.parseInt(m.group(2)) == 0) {
            throw new InvalidOpenAiRequest("size must be WIDTHxHEIGHT, e.g. 1024x1024, or auto", "size");
        }
        double wanted = Math.log(Double.parseDouble(m.group(1)) / Double.parseDouble(m.group(2)));
        String best = null;
        double bestDistance = Double.MAX_VALUE;
        for (String ratio : ratios) {
            String[] wh = ratio.split(":");
            double distance = Math.abs(wanted - Math.log(Double.parseDouble(wh[0]) / Double.parseDouble(wh[1])));
            if (distance < bestDistance) {
                best = ratio;
                bestDistance = distance;
            }
        }
        return best;
    }

    private static void imagenImages(JsonNode reply, ArrayNode data, boolean urls) {
        JsonNode predictions = Json.field(reply, "predictions");
        if (predictions != null) {
            for (JsonNode p : predictions) {
                hosted(data, Json.nestedText(p, "fileUri"));
                image(data, Json.nestedText(p, "mimeType"), Json.nestedText(p, "bytesBase64Encoded"), urls);
            }
        }
    }

    private static void geminiImages(JsonNode reply, ArrayNode data, boolean urls) {
        JsonNode candidates = Json.field(reply, "candidates");
        if (candidates == null) {
            return;
        }
        for (JsonNode c : candidates) {
            for (JsonNode part : c.path("content").path("parts")) {
                JsonNode inline = Json.field(part, "inlineData");
                if (inline != null) {
                    image(data, Json.nestedText(inline, "mimeType"), Json.nestedText(inline, "data"), urls);
                }
                hosted(data, Json.nestedText(part, "fileData", "fileUri"));
            }
        }
    }

    /** Adds an image a route hosted (GeneratedImages): its address, whatever the format asked, as no bytes are left. */
    private static void hosted(ArrayNode data, String url) {
        if (url != null) {
            data.addObject().put("url", url);
        }
    }

    /** Adds one image; an entry without bytes (an image Google's filter removed) adds nothing. */
    private static void image(ArrayNode data, String mime, String base64, boolean urls) {
        if (base64 == null) {
            return;
        }
        if (urls) {
            data.addObject().put("url", "data:" + (mime == null ? "image/png" : mime) + ";base64," + base64);
        } else {
            data.addObject().put("b64_json", base64);
        }
    }
}
