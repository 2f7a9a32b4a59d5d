package dev.caravan.dialect.openai;

import java.util.Locale;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.http.CompactJsonNodes;

/**
 * Turns an OpenAI message {@code content} (a string or an array of typed parts) into Gemini parts: text, images
 * (data URLs inline, {@code http(s)} URLs through the {@link ImageFetcher}), {@code input_audio} and data-URL
 * {@code file}s. Thread-safe when its fetcher is.
 */
final class ContentParts {

    private static final JsonNodeFactory NODES = CompactJsonNodes.INSTANCE;

    private final ImageFetcher images;

    ContentParts(ImageFetcher images) {
        this.images = images;
    }

    /** Every part a user message may hold. */
    ArrayNode userParts(JsonNode content, String path) {
        return parts(content, path, this::userPart);
    }

    /** Text only, as system, developer and assistant messages hold; {@code refusal} parts count as text. */
    ArrayNode textParts(JsonNode content, String path) {
        return parts(content, path, ContentParts::textPart);
    }

    /** A content as Gemini parts: a string is one text part, an array is translated part by part. */
    private static ArrayNode parts(JsonNode content, String path, BiFunction<JsonNode, String, ObjectNode> onePart) {
        ArrayNode out = NODES.arrayNode();
        if (content == null) {
            return out;
        }
        if (content.isTextual()) {
            out.add(text(content.asText()));
            return out;
        }
        requireArray(content, path);
        for (int i = 0; i < content.size(); i++) {
            out.add(onePart.apply(content.get(i), path + "[" + i + "]"));
        }
        return out;
    }

    private static ObjectNode textPart(JsonNode part, String partPath) {
        String type = Json.requiredText(part, "type", partPath + ".type");
        if (!type.equals("text") && !type.equals("refusal")) {
            throw new InvalidOpenAiRequest(partPath + " is a '" + type + "' part; only text is allowed here",
                    partPath + ".type");
        }
        String field = type.equals("refusal") ? "refusal" : "text";
        return text(Json.requiredText(part, field, partPath + "." + field));
    }

    /** The text of a content that holds only text, joined; for tool results. */
    String plainText(JsonNode content, String path) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : textParts(content, path)) {
            sb.append(part.get("text").asText());
        }
        return sb.toString();
    }

    private ObjectNode userPart(JsonNode part, String path) {
        String type = Json.requiredText(part, "type", path + ".type");
        return switch (type) {
            case "text" -> text(Json.requiredText(part, "text", path + ".text"));
            case "image_url" -> image(part, path);
            case "input_audio" -> audio(part, path);
            case "file" -> file(part, path);
            default -> throw new InvalidOpenAiRequest(path + " has an unsupported type '" + type + "'",
                    path + ".type");
        };
    }

    private ObjectNode image(JsonNode part, String path) {
        JsonNode imageUrl = Json.field(part, "image_url");
        String url = imageUrl != null && imageUrl.isTextual()
                ? imageUrl.asText()
                : Json.requiredText(imageUrl, "url", path + ".image_url.url");
        if (DataUrl.is(url)) {
            return DataUrl.parse(url, path + ".image_url.url").toPart();
        }
        String scheme = url.toLowerCase(Locale.ROOT);
        if (!scheme.startsWith("http://") && !scheme.startsWith("https://")) {
            throw new InvalidOpenAiRequest(path + ".image_url.url must be a data URL or an http(s) URL",
                    path + ".image_url.url");
        }
        try {
            return images.fetch(url).toPart();
        } catch (ImageFetchException e) {
            // one message whatever went wrong: what answered where is not the client's to learn
            throw new InvalidOpenAiRequest("The image at " + path + ".image_url.url " + ImageFetcher.NOT_FETCHED,
                    path + ".image_url.url");
        }
    }

    /**
     * Refuses a conversation with more http(s) image URLs than the fetcher takes in one request, before any is
     * fetched: each fetch may take the whole time budget and the whole byte cap.
     */
    void requireFetchableImageCount(JsonNode messages) {
        int max = images.maxPerRequest();
        int urls = 0;
        for (JsonNode message : messages) {
            JsonNode content = Json.field(message, "content");
            if (content == null || !content.isArray()) {
                continue;
            }
            for (JsonNode part : content) {
                if (isImageUrl(part) && ++urls > max) {
                    throw new InvalidOpenAiRequest("messages hold more than " + max + " http(s) image URLs; send"
                            + " the others as data URLs", "messages");
                }
            }
        }
    }

    private static boolean isImageUrl(JsonNode part) {
        if (!part.isObject() || !"image_url".equals(part.path("type").asText(null))) {
            return false;
        }
        JsonNode imageUrl = part.get("image_url");
        String url = imageUrl == null ? "" : imageUrl.isTextual() ? imageUrl.asText() : imageUrl.path("url").asText("");
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://");
    }

    private static ObjectNode audio(JsonNode part, String path) {
        JsonNode audio = Json.field(part, "input_audio");
        String data = Json.requiredText(audio, "data", path + ".input_audio.data");
        String format = Json.requiredText(audio, "format", path + ".input_audio.format");
        return new InlineData("audio/" + format.toLowerCase(Locale.ROOT), data).toPart();
    }

    private static ObjectNode file(JsonNode part, String path) {
        JsonNode file = Json.field(part, "file");
        String data = Json.text(file, "file_data", path + ".file.file_data");
        if (data == null) {
            throw new InvalidOpenAiRequest(path + ".file needs file_data as a data URL; file_id is not supported",
                    path + ".file.file_data");
        }
        if (DataUrl.is(data)) {
            return DataUrl.parse(data, path + ".file.file_data").toPart();
        }
        // bare base64, as OpenAI also allows: only a PDF can be recognised by its name
        String name = Json.text(file, "filename", path + ".file.filename");
        if (name == null || !name.toLowerCase(Locale.ROOT).endsWith(".pdf")) {
            throw new InvalidOpenAiRequest(path + ".file.file_data must be a data URL (data:<mime>;base64,...)",
                    path + ".file.file_data");
        }
        return new InlineData("application/pdf", data).toPart();
    }

    static ObjectNode text(String text) {
        return NODES.objectNode().put("text", text);
    }

    private static void requireArray(JsonNode content, String path) {
        if (!content.isArray()) {
            throw new InvalidOpenAiRequest(path + " must be a string or an array of content parts", path);
        }
    }
}
