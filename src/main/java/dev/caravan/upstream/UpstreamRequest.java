package dev.caravan.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.caravan.errors.ClientError;
import dev.caravan.models.ModelName;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.spi.Registry;

/**
 * The upstream route's first step: reads the contract's headers ({@link Upstream}) and the body into the
 * request's private context, once per call, so that every attempt sends the same thing. A header a route got
 * wrong is the route's bug (500, named in the log); a path or query that would leave Google's API, or a model that is
 * not a model id (a client string that slipped through), is refused with 400 before any key is used. Thread-safe.
 */
public final class UpstreamRequest implements Processor {

    /** Most segments a path to Google may have ({@link #safePath}). */
    private static final int MAX_SEGMENTS = 8;
    /** Longest segment of a path to Google, in characters ({@link #safePath}). */
    private static final int MAX_SEGMENT = 256;
    /** A query of plain name=value pairs; '%' escapes allowed, nothing that could add a key or split a line. */
    private static final Pattern QUERY = Pattern.compile("[A-Za-z0-9_.-]{1,64}=[A-Za-z0-9_.~%+-]{0,512}(&[A-Za-z0-9_.-]{1,64}=[A-Za-z0-9_.~%+-]{0,512}){0,15}");
    /** Headers Google must get from the gateway alone: credentials and the connection's own. */
    private static final Set<String> NOT_FORWARDED = Set.of("x-goog-api-key", "authorization", "host",
            "content-length", "transfer-encoding", "connection", "content-type", "upgrade", "te", "trailer",
            "proxy-authorization", "keep-alive", "cookie");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final int MAX_HEADER_VALUE = 8192;
    private static final Pattern FINGERPRINT = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
    /** A media type with parameters, e.g. {@code multipart/related; boundary=x}: printable ASCII, no CR/LF. */
    private static final Pattern MEDIA_TYPE = Pattern.compile("[A-Za-z0-9!#$&^_.+-]{1,64}/[A-Za-z0-9!#$&^_.+-]{1,64}[\\x20-\\x7e]{0,256}");
    private static final String DEFAULT_TRANSLATION = "geminiStream";

    private final Registry registry;
    private final ClientResponses clients;
    private final UpstreamPools pools;
    private final PoolChoice choice;

    /**
     * @param registry where the stream translations named by {@link Upstream#STREAM_TRANSLATION} are found
     * @param clients  finds the client's connection that a stream is relayed to
     */
    public UpstreamRequest(Registry registry, ClientResponses clients) {
        this(registry, clients, null, model -> null);
    }

    /**
     * @param pools  the pools {@link Upstream#POOL} may name; null: only the Gemini pool
     * @param choice the pool of a call whose route named none, by its model (PAID_MODELS go with PAID_KEY)
     */
    public UpstreamRequest(Registry registry, ClientResponses clients, UpstreamPools pools, PoolChoice choice) {
        this.registry = registry;
        this.clients = clients;
        this.pools = pools;
        this.choice = choice;
    }

    /** The name of the pool for a model when the route named none, or null for the Gemini pool. */
    @FunctionalInterface
    public interface PoolChoice {
        String poolFor(String model);
    }

    /** Finds the connection of the client that made the request (a stream is written straight to it). */
    @FunctionalInterface
    public interface ClientResponses {
        HttpServerResponse of(Exchange exchange);
    }

    /**
     * Whether {@code path} is one Google's REST paths spell: one to {@value #MAX_SEGMENTS} segments of
     * {@code /[A-Za-z0-9_-][A-Za-z0-9._:-]*}, each at most {@value #MAX_SEGMENT} characters. No segment starts with a
     * dot, so none can climb out of BASE_URL. One pass over the characters: a regex matcher per call showed in the
     * allocation profile (bench/alloc.sh).
     */
    static boolean safePath(String path) {
        int n = path.length();
        if (n < 2 || path.charAt(0) != '/') {
            return false;
        }
        int segments = 0;
        int i = 0;
        while (i < n) {
            // path.charAt(i) is the '/' that opens a segment
            if (++segments > MAX_SEGMENTS || i + 1 >= n || !segmentStart(path.charAt(i + 1))) {
                return false;
            }
            int start = ++i;
            i++;
            while (i < n && path.charAt(i) != '/') {
                char c = path.charAt(i);
                if (!segmentStart(c) && c != '.' && c != ':') {
                    return false;
                }
                i++;
            }
            if (i - start > MAX_SEGMENT) {
                return false;
            }
        }
        return true;
    }

    /** A character a path segment may start with: an ASCII letter or digit, '_' or '-'. */
    private static boolean segmentStart(char c) {
        return ModelName.asciiLetterOrDigit(c) || c == '_' || c == '-';
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getMessage();
        RequestContext ctx = exchange.getProperty(RequestContext.PROPERTY, RequestContext.class);
        if (ctx == null) {
            ctx = new RequestContext();
            exchange.setProperty(RequestContext.PROPERTY, ctx);
        }
        ctx.newCall();
        String path = in.getHeader(Upstream.PATH, String.class);
        if (path == null || path.isEmpty()) {
            throw new IllegalStateException("the route sent direct:upstream-call without the " + Upstream.PATH + " header");
        }
        if (!safePath(path)) {
            throw ClientError.badRequest("Invalid model or resource name");
        }
        String query = in.getHeader(Upstream.QUERY, String.class);
        if (query != null && query.isEmpty()) {
            query = null;
        }
        if (query != null && (!QUERY.matcher(query).matches() || hasKeyParameter(query))) {
            throw ClientError.badRequest("Invalid query parameters");
        }
        String model = in.getHeader(Upstream.MODEL, String.class);
        if (model != null && !ModelName.isValid(model)) {
            // the model keys the pool's cool-downs, the metrics and the log: the rule every surface checks
            throw ClientError.badRequest("Invalid model name: a model id is " + ModelName.RULE);
        }
        Object raw = in.getBody();
        if (raw instanceof HttpServerRequest client) {
            // the client's body, left unread by its endpoint (an upload): piped to Google as it arrives
            long length = contentLength(client.getHeader("content-length"));
            ctx.target(model, method(in.getHeader(Upstream.METHOD, String.class), length != 0), path, query, null);
            if (length != 0) {
                ctx.pipe(client, contentType(client.getHeader("content-type")), length);
            }
        } else {
            Buffer body = body(in);
            HttpMethod method = method(in.getHeader(Upstream.METHOD, String.class), body != null);
            ctx.target(model, method, path, query, body);
        }
        String pool = in.getHeader(Upstream.POOL, String.class);
        if ((pool == null || pool.isEmpty()) && model != null) {
            pool = choice.poolFor(model);
        }
        if (pool != null && !pool.isEmpty()) {
            if (pools == null) {
                throw new IllegalStateException("no key pool named " + pool + " (" + Upstream.POOL + ")");
            }
            UpstreamPool named = pools.named(pool);
            // the Gemini pool is the default: its calls follow BASE_URL as an operator may change it live
            if (!UpstreamPool.GEMINI.equals(named.name())) {
                ctx.pool(named);
            }
        }
        if (Upstream.UPLOAD_BASE.equals(in.getHeader(Upstream.BASE, String.class))) {
            ctx.underUploadBase();
        }
        String pin = in.getHeader(Upstream.KEY_PIN, String.class);
        if (pin != null) {
            if (!FINGERPRINT.matcher(pin).matches()) {
                throw new IllegalStateException("the header " + Upstream.KEY_PIN + " is not a key fingerprint");
            }
            ctx.pin(pin);
        }
        if ("bearer".equalsIgnoreCase(in.getHeader(Upstream.KEY_AS, String.class))) {
            ctx.keyAsBearer();
        }
        ctx.forward(forwarded(in.getHeaders()));
        ctx.clientResponse(clients.of(exchange));
        // a stream is relayed to the client's connection; a call that came from no client gets the whole answer
        if (ctx.clientResponse() != null && Boolean.TRUE.equals(in.getHeader(Upstream.STREAM, Boolean.class))) {
            String name = in.getHeader(Upstream.STREAM_TRANSLATION, DEFAULT_TRANSLATION, String.class);
            StreamTranslation translation = registry.lookupByNameAndType(name, StreamTranslation.class);
            if (translation == null) {
                throw new IllegalStateException("no stream translation named " + name + " (" + Upstream.STREAM_TRANSLATION + ")");
            }
            ctx.streamThrough(translation.open(exchange));
        }
    }

    /** The length of a piped body: -1 when it comes chunked; a malformed one is refused before anything is sent. */
    private static long contentLength(String header) {
        if (header == null) {
            return -1;
        }
        if (!DIGITS.matcher(header.trim()).matches()) {
            throw ClientError.badRequest("Invalid Content-Length");
        }
        return Long.parseLong(header.trim());
    }

    /** The piped body's type as the client gave it, when it is a plain media type (else none is sent). */
    private static String contentType(String header) {
        return header != null && MEDIA_TYPE.matcher(header).matches() ? header : null;
    }

    private static boolean hasKeyParameter(String query) {
        for (String pair : query.split("&")) {
            if (pair.regionMatches(true, 0, "key=", 0, 4)) {
                return true;
            }
        }
        return false;
    }

    private static Buffer body(Message in) {
        Object b = in.getBody();
        if (b == null) {
            return null;
        }
        Buffer buffer = b instanceof Buffer vb ? vb : in.getBody(Buffer.class);
        return buffer == null || buffer.length() == 0 ? null : buffer;
    }

    private static HttpMethod method(String name, boolean hasBody) {
        if (name == null || name.isEmpty()) {
            return hasBody ? HttpMethod.POST : HttpMethod.GET;
        }
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "GET" -> HttpMethod.GET;
            case "POST" -> HttpMethod.POST;
            case "PUT" -> HttpMethod.PUT;
            case "PATCH" -> HttpMethod.PATCH;
            case "DELETE" -> HttpMethod.DELETE;
            default -> throw new IllegalStateException("unsupported " + Upstream.METHOD + ": " + name);
        };
    }

    /** The Caravan-Upstream-* headers a route set, without their prefix; credentials and hop-by-hop never pass. */
    private static List<String> forwarded(Map<String, Object> headers) {
        List<String> out = null;
        int prefix = Upstream.FORWARD_PREFIX.length();
        for (Map.Entry<String, Object> h : headers.entrySet()) {
            String name = h.getKey();
            if (name.length() <= prefix || !name.regionMatches(true, 0, Upstream.FORWARD_PREFIX, 0, prefix)) {
                continue;
            }
            String target = name.substring(prefix);
            Object value = h.getValue();
            if (value == null || !HEADER_NAME.matcher(target).matches()
                    || NOT_FORWARDED.contains(target.toLowerCase(Locale.ROOT))) {
                continue;
            }
            String text = value.toString();
            if (text.length() > MAX_HEADER_VALUE || text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
                throw new IllegalStateException("the header " + name + " has a value that cannot be sent");
            }
            if (out == null) {
                out = new ArrayList<>(4);
            }
            out.add(target);
            out.add(text);
        }
        return out == null ? List.of() : out;
    }
}
