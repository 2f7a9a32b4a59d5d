package dev.caravan.dialect.openai;

import java.time.Clock;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Translates OpenAI {@code /v1/images/generations} to Gemini and back. Models whose id starts with {@code imagen}
 * get Imagen's {@code :predict} with {@code sampleCount = n} (1 to 4) and the nearest of Imagen's aspect ratios to
 * {@code size}. Other models get {@code :generateContent} with {@code responseModalities [TEXT, IMAGE]} and the
 * nearest Gemini aspect ratio in {@code imageConfig}; since Gemini image models make one image per call and do not
 * all accept {@code candidateCount}, {@code n > 1} is served by sending the same body n times
 * ({@link GeminiImageRequest#calls()}) and passing every reply to {@link #toOpenAi}. Images come back as
 * {@code b64_json} (the default); {@code response_format: url} cannot name a hosted file, so {@code url} holds a
 * {@code data:} URL instead. Thread-safe.
 */
public final class OpenAiImages {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern SIZE = Pattern.compile("(\\d{1,5})x(\\d{1,5})");
    private static final List<String> IMAGEN_RATIOS = List.of("1:1", "3:4", "4:3", "9:16", "16:9");
    private static final List<String> GEMINI_RATIOS = List.of(
            "1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9");

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
        String prompt = Json.requiredText(request, "prompt", "prompt");
        String model = model(Json.text(request, "model", "model"));
        boolean imagen = model.startsWith("imagen");
        int n = count(Json.field(request, "n"), imagen);
        String size = Json.text(request, "size", "size");
        boolean urls = urls(Json.text(request, "response_format", "response_format"));
        ObjectNode body = imagen ? imagenBody(prompt, n, size) : geminiBody(prompt, size);
        return new GeminiImageRequest(model, imagen, imagen ? 1 : n, urls, body);
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
        String model = requested != null ? requested : defaultModel.get();
        if (model == null || model.isEmpty()) {
            throw new InvalidOpenAiRequest("model is required", "model");
        }
        return ModelParam.id(model);
    }

    private static int count(JsonNode n, boolean imagen) {
        if (n == null) {
            return 1;
        }
        int max = imagen ? 4 : 10;
        if (!n.isIntegralNumber() || n.asLong() < 1 || n.asLong() > max) {
            throw new InvalidOpenAiRequest("n must be a whole number from 1 to " + max
                    + (imagen ? " for Imagen models" : ""), "n");
        }
        return n.asInt();
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

    private static ObjectNode imagenBody(String prompt, int n, String size) {
        ObjectNode body = NODES.objectNode();
        body.putArray("instances").addObject().put("prompt", prompt);
        ObjectNode parameters = body.putObject("parameters").put("sampleCount", n);
        String ratio = aspectRatio(size, IMAGEN_RATIOS);
        if (ratio != null) {
            parameters.put("aspectRatio", ratio);
        }
        return body;
    }

    private static ObjectNode geminiBody(String prompt, String size) {
        ObjectNode body = NODES.objectNode();
        body.putArray("contents").addObject().put("role", "user").putArray("parts").addObject().put("text", prompt);
        ObjectNode config = body.putObject("generationConfig");
        config.putArray("responseModalities").add("TEXT").add("IMAGE");
        String ratio = aspectRatio(size, GEMINI_RATIOS);
        if (ratio != null) {
            config.putObject("imageConfig").put("aspectRatio", ratio);
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
