package dev.caravan.upstream;

import org.apache.camel.Message;

/**
 * The message contract of {@code direct:upstream-call} (README "Change the flow", docs/architecture.md): the
 * headers a route sets before it, and the headers it finds after it. Nothing else crosses between the routes and
 * the upstream route's beans.
 */
public final class Upstream {

    private Upstream() {
    }

    // --- In: set by the calling route ---

    /** Required: the path under BASE_URL, e.g. {@code /models/gemini-2.5-flash:generateContent}. */
    public static final String PATH = "CaravanUpstreamPath";
    /** GET, POST, PUT, PATCH or DELETE; default POST when there is a body, GET otherwise. */
    public static final String METHOD = "CaravanUpstreamMethod";
    /** The query string to send, without '?', e.g. {@code alt=sse}; never a key. */
    public static final String QUERY = "CaravanUpstreamQuery";
    /** The model the call is for: the key pool keeps cool-downs per (key, model); also logged and counted. */
    public static final String MODEL = "CaravanModel";
    /** {@code true}: relay Google's answer to the client event by event as it arrives. */
    public static final String STREAM = "CaravanStream";
    /** The registry name of the {@link StreamTranslation} a relayed stream goes through; default {@code geminiStream}. */
    public static final String STREAM_TRANSLATION = "CaravanStreamTranslation";
    /** {@code bearer}: the key travels as {@code Authorization: Bearer} (Google's OpenAI surface), not x-goog-api-key. */
    public static final String KEY_AS = "CaravanKeyAs";
    /**
     * The key pool and Google endpoint of the call: {@code gemini} (default: API_KEYS at BASE_URL), {@code vertex}
     * (VERTEX_API_KEYS at VERTEX_EXPRESS_BASE_URL; the path is then under that pool's base) or {@code paid} (PAID_KEY
     * alone at BASE_URL, or the Gemini pool itself when PAID_KEY is unset). A route that names none gets {@code paid}
     * for a model in PAID_MODELS or CREATE_IMAGE_MODEL, else {@code gemini}.
     */
    public static final String POOL = "CaravanPool";
    /** PAID_KEY's pool: image generation and PAID_MODELS. */
    public static final String PAID_POOL = "paid";
    /** Headers named {@code Caravan-Upstream-<Name>} are sent to Google as {@code <Name>} on every attempt. */
    public static final String FORWARD_PREFIX = "Caravan-Upstream-";

    // --- In, for the Files API (routes/files.camel.yaml) ---

    /**
     * The fingerprint of the one key the call may use (a file lives in the project of the key that uploaded it): one
     * attempt, with that key; when it is not eligible the call ends like one for which no key is left.
     */
    public static final String KEY_PIN = "CaravanKeyPin";
    /** {@code upload}: the path is under Google's upload root ({@code /upload/v1beta} for BASE_URL's {@code /v1beta}). */
    public static final String BASE = "CaravanUpstreamBase";
    public static final String UPLOAD_BASE = "upload";

    // --- Out: found after the call ---

    /** {@code answered}: the body is Google's answer; {@code relayed}: it already went to the client (a stream, or
     * the client left); {@code gateway-error}: the body is the gateway's own error, in Google's envelope. */
    public static final String OUTCOME = "CaravanOutcome";
    /** Attempts made, each on another key. */
    public static final String ATTEMPTS = "CaravanAttempts";
    /** The keyed fingerprint of the last key tried (never the key). */
    public static final String KEY_FINGERPRINT = "CaravanKeyFingerprint";
    /** Google's {@code X-Goog-Upload-*} answer headers (the upload protocol) come out as {@code Caravan-Google-<Name>}. */
    public static final String GOOGLE_PREFIX = "Caravan-Google-";

    public static final String ANSWERED = "answered";
    public static final String RELAYED = "relayed";
    public static final String GATEWAY_ERROR = "gateway-error";

    /** Sets the headers of a call: what a surface's request step does before {@code direct:upstream-call}. */
    public static void call(Message in, String model, String method, String path, String query) {
        if (model != null) {
            in.setHeader(MODEL, model);
        }
        in.setHeader(METHOD, method);
        in.setHeader(PATH, path);
        if (query != null) {
            in.setHeader(QUERY, query);
        }
    }

    /**
     * The answer's bytes. Google's answers are Vert.x buffers, read here directly: Camel has no Buffer-to-byte[]
     * converter of its own, and its fallback search costs more than the copy.
     */
    public static byte[] bodyBytes(Message out) {
        Object body = out.getBody();
        if (body instanceof io.vertx.core.buffer.Buffer b) {
            return b.getBytes();
        }
        if (body instanceof byte[] b) {
            return b;
        }
        if (body instanceof String s) {
            return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return body == null ? null : out.getBody(byte[].class);
    }

    /** True when the call ended with Google's own 2xx answer in the body (not a relayed stream, not an error). */
    public static boolean answeredWell(Message out) {
        Integer status = out.getHeader(org.apache.camel.Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return ANSWERED.equals(out.getHeader(OUTCOME)) && status != null && status >= 200 && status < 300
                && out.getBody() != null;
    }
}
