package dev.caravan.dialect.openai;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.errors.ClientError;
import dev.caravan.models.ModelName;
import dev.caravan.http.CompactJsonNodes;

/**
 * Translates OpenAI's {@code POST /v1/audio/speech} to a Gemini TTS {@code generateContent} call and Google's audio
 * back. Google answers 24 kHz signed 16-bit mono PCM ({@code audio/L16;codec=pcm;rate=24000}): {@code pcm} is those
 * bytes as they are, {@code wav} the same behind a WAV header (also when the client names no format). Caravan has no
 * encoder for mp3, opus, aac or flac (none is served as a well-kept Java library), so those are a 400 naming the two
 * formats it produces. {@code voice} is one of Google's prebuilt voices (any case), or an OpenAI voice name, which
 * becomes TTS_VOICE_NAME. The model is TTS_MODEL unless the client names a Gemini TTS model. {@code speed} (OpenAI's
 * 0.25 to 4) and {@code instructions} become words before the text, since Gemini's TTS models take their pace and
 * style from the prompt. Thread-safe: the settings are read at each call.
 */
public final class OpenAiSpeech {

    /** Google's prebuilt voices (Gemini API speech generation). */
    static final List<String> GOOGLE_VOICES = List.of("Zephyr", "Puck", "Charon", "Kore", "Fenrir", "Leda", "Orus",
            "Aoede", "Callirrhoe", "Autonoe", "Enceladus", "Iapetus", "Umbriel", "Algieba", "Despina", "Erinome",
            "Algenib", "Rasalgethi", "Laomedeia", "Achernar", "Alnilam", "Schedar", "Gacrux", "Pulcherrima", "Achird",
            "Zubenelgenubi", "Vindemiatrix", "Sadachbia", "Sadaltager", "Sulafat");
    /** OpenAI's voice names: a client written for OpenAI gets TTS_VOICE_NAME for any of them. */
    static final Set<String> OPENAI_VOICES = Set.of("alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx",
            "sage", "shimmer", "verse", "marin", "cedar");
    /** OpenAI's formats that would need an audio encoder. */
    static final Set<String> ENCODED_FORMATS = Set.of("mp3", "opus", "aac", "flac");
    /** Google's rate when its mime type names none. */
    static final int DEFAULT_RATE = 24_000;

    private static final Map<String, String> VOICES_BY_LOWER_CASE = new LinkedHashMap<>();
    private static final Pattern RATE = Pattern.compile("rate=(\\d{4,6})");
    private static final Set<String> REFUSED_FINISH = Set.of("SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII");
    private static final JsonNodeFactory NODES = CompactJsonNodes.INSTANCE;

    static {
        for (String v : GOOGLE_VOICES) {
            VOICES_BY_LOWER_CASE.put(v.toLowerCase(Locale.ROOT), v);
        }
    }

    /** What the speech endpoint reads from the settings in force. */
    public record Defaults(String model, String voice, String pace) {
    }

    /** The call to make, and how to answer. */
    public record Speech(String model, String format, ObjectNode body) {
        public String path() {
            return "/models/" + model + ":generateContent";
        }
    }

    /** The audio to answer with. */
    public record Audio(String contentType, byte[] bytes) {
    }

    private final Supplier<Defaults> defaults;

    public OpenAiSpeech(Supplier<Defaults> defaults) {
        this.defaults = defaults;
    }

    public Speech toGemini(JsonNode request) {
        Defaults d = defaults.get();
        String input = Json.requiredText(request, "input", "input");
        String model = model(Json.text(request, "model", "model"), d.model());
        String voice = voice(Json.text(request, "voice", "voice"), d.voice());
        String format = format(Json.text(request, "response_format", "response_format"));
        String streamFormat = Json.text(request, "stream_format", "stream_format");
        if (streamFormat != null && !"audio".equals(streamFormat)) {
            throw new InvalidOpenAiRequest("stream_format must be audio: Caravan answers the whole audio at once",
                    "stream_format");
        }
        String pace = pace(Json.field(request, "speed"), d.pace());
        String instructions = Json.text(request, "instructions", "instructions");

        ObjectNode body = NODES.objectNode();
        body.putArray("contents").addObject().put("role", "user").putArray("parts").addObject()
                .put("text", prompt(input, pace, instructions));
        ObjectNode config = body.putObject("generationConfig");
        config.putArray("responseModalities").add("AUDIO");
        config.putObject("speechConfig").putObject("voiceConfig").putObject("prebuiltVoiceConfig").put("voiceName", voice);
        return new Speech(model, format, body);
    }

    /** Google's whole answer as the audio the client asked for. */
    public Audio toOpenAi(JsonNode answer, Speech speech) {
        JsonNode candidate = answer.path("candidates").path(0);
        for (JsonNode part : candidate.path("content").path("parts")) {
            JsonNode inline = part.has("inlineData") ? part.get("inlineData") : part.path("inline_data");
            String mime = inline.path("mimeType").asText(inline.path("mime_type").asText(""));
            if (!mime.toLowerCase(Locale.ROOT).startsWith("audio/")) {
                continue;
            }
            String lower = mime.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("audio/l16") && !lower.startsWith("audio/pcm")) {
                throw new ClientError(502, "UNAVAILABLE", "Google answered audio as " + bounded(mime)
                        + ", which Caravan does not convert");
            }
            byte[] pcm = Base64.getDecoder().decode(inline.path("data").asText(""));
            return "pcm".equals(speech.format())
                    ? new Audio("audio/pcm", pcm)
                    : new Audio("audio/wav", WavFile.of(pcm, rate(lower)));
        }
        String finish = candidate.path("finishReason").asText("");
        String blocked = answer.path("promptFeedback").path("blockReason").asText("");
        if (!blocked.isEmpty() || REFUSED_FINISH.contains(finish)) {
            throw new InvalidOpenAiRequest("Google declined to speak this input ("
                    + bounded(blocked.isEmpty() ? finish : blocked) + ")", "input");
        }
        throw new ClientError(502, "UNAVAILABLE", "Google's answer held no audio"
                + (finish.isEmpty() ? "" : " (finishReason " + bounded(finish) + ")"));
    }

    private static String model(String requested, String fallback) {
        if (requested == null) {
            return fallback;
        }
        String id = ModelName.id(requested);
        // tts-1, gpt-4o-mini-tts or a Gemini model that does not speak: the configured TTS model
        return id != null && id.startsWith("gemini-") && id.contains("tts") ? id : fallback;
    }

    private static String voice(String requested, String fallback) {
        if (requested == null || requested.isEmpty()) {
            return fallback;
        }
        String lower = requested.toLowerCase(Locale.ROOT);
        String google = VOICES_BY_LOWER_CASE.get(lower);
        if (google != null) {
            return google;
        }
        if (OPENAI_VOICES.contains(lower)) {
            return fallback;
        }
        throw new InvalidOpenAiRequest("voice must be one of Google's prebuilt voices (" + String.join(", ", GOOGLE_VOICES)
                + ") or an OpenAI voice name, which speaks with the configured voice", "voice");
    }

    private static String format(String requested) {
        if (requested == null || requested.equals("wav")) {
            return "wav";
        }
        if (requested.equals("pcm")) {
            return "pcm";
        }
        String what = ENCODED_FORMATS.contains(requested) ? "response_format " + requested + " needs an audio encoder "
                + "that Caravan does not have" : "response_format is unknown";
        throw new InvalidOpenAiRequest(what + ": Caravan produces wav (24 kHz 16-bit mono) and pcm (the same samples, "
                + "raw, little-endian)", "response_format");
    }

    /** OpenAI's speed, 0.25 to 4 (1 is normal), as a pace word; no speed: TTS_SPEED. */
    private static String pace(JsonNode speed, String fallback) {
        if (speed == null) {
            return fallback;
        }
        if (!speed.isNumber() || speed.asDouble() < 0.25 || speed.asDouble() > 4.0) {
            throw new InvalidOpenAiRequest("speed must be a number from 0.25 to 4.0", "speed");
        }
        double s = speed.asDouble();
        if (s < 0.5) {
            return "very slow";
        }
        if (s < 0.8) {
            return "slow";
        }
        if (s <= 1.25) {
            return "normal";
        }
        return s <= 2.0 ? "fast" : "very fast";
    }

    /** The text to speak, after the style and pace asked for (Gemini's TTS models read direction from the prompt). */
    static String prompt(String input, String pace, String instructions) {
        StringBuilder direction = new StringBuilder();
        if (instructions != null && !instructions.isBlank()) {
            direction.append(instructions.trim());
        }
        if (!"normal".equalsIgnoreCase(pace)) {
            if (!direction.isEmpty()) {
                direction.append(direction.charAt(direction.length() - 1) == '.' ? " " : ". ");
            }
            direction.append("Speak at a ").append(pace.toLowerCase(Locale.ROOT)).append(" pace");
        }
        return direction.isEmpty() ? input : direction + ": " + input;
    }

    private static int rate(String mime) {
        Matcher m = RATE.matcher(mime);
        return m.find() ? Integer.parseInt(m.group(1)) : DEFAULT_RATE;
    }

    /** Google's words in a message: short and on one line. */
    private static String bounded(String s) {
        String one = s.replaceAll("[^A-Za-z0-9_./;=-]", "");
        return one.length() <= 64 ? one : one.substring(0, 64);
    }
}
