package dev.caravan.files;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.caravan.errors.ClientError;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.KeyState;
import dev.caravan.security.TokenVerifier;
import dev.caravan.storage.FileRecord;
import dev.caravan.storage.FileRecords;
import org.apache.camel.Exchange;

/**
 * The rules every Files API step shares: what a file name is, which client may see a file (FILES_USER_ISOLATION_ENABLED),
 * and whether the key whose project holds it can be used now, with an error that names the file when it cannot.
 * Thread-safe.
 */
public final class FileKeys {

    /** Google's file ids: lower-case letters, digits and dashes, at most 40. */
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    /** A file named in a URI: {@code .../files/<id>} at the end of its path (Google's File.uri), or {@code files/<id>}. */
    private static final Pattern IN_URI = Pattern.compile("(?:^|/)files/([a-z0-9][a-z0-9-]{0,39})$");

    private final FileRecords records;
    private final KeyRoundRobin pool;
    private final BooleanSupplier isolation;

    public FileKeys(FileRecords records, KeyRoundRobin pool, BooleanSupplier isolation) {
        this.records = records;
        this.pool = pool;
        this.isolation = isolation;
    }

    public FileRecords records() {
        return records;
    }

    /** Whether a client sees only its own files (FILES_USER_ISOLATION_ENABLED, read at each request). */
    public boolean isolated() {
        return isolation.getAsBoolean();
    }

    /** {@code files/<id>} for a valid id, else null. */
    static String name(String id) {
        return id != null && ID.matcher(id).matches() ? "files/" + id : null;
    }

    /** The file a fileUri names ({@code files/<id>}), or null when it names none. */
    static String nameInUri(String uri) {
        if (uri == null || uri.length() > 2048) {
            return null;
        }
        int q = uri.indexOf('?');
        Matcher m = IN_URI.matcher(q < 0 ? uri : uri.substring(0, q));
        return m.find() ? "files/" + m.group(1) : null;
    }

    /** The fingerprint of the client token of the request (set by the token check). */
    static String client(Exchange exchange) {
        return exchange.getProperty(TokenVerifier.CLIENT_FINGERPRINT, String.class);
    }

    /**
     * The record of a file this client may see: its own, or any while isolation is off. Another client's file is
     * answered exactly like one that does not exist.
     */
    public Optional<FileRecord> visible(String name, String client) {
        Optional<FileRecord> r = records.find(name);
        if (r.isPresent() && isolation.getAsBoolean() && !java.util.Objects.equals(r.get().ownerFingerprint(), client)) {
            return Optional.empty();
        }
        return r;
    }

    /** 404 in Google's words for a file that does not exist, or that this client may not see. */
    static ClientError notFound(String name) {
        return new ClientError(404, "NOT_FOUND", "File " + name + " does not exist or you do not have access to it");
    }

    /**
     * Fails, naming the file, when the key whose project holds it cannot serve {@code model} now: removed from the
     * pool (400: upload it again), out of rotation (503), or cooling (429 with Retry-After). No other key could read
     * the file, so none is tried instead.
     */
    public void requireUsable(FileRecord file, String model) {
        ApiKey k = pool.byFingerprint(file.keyFingerprint());
        if (k == null || k.removed()) {
            throw new ClientError(400, "FAILED_PRECONDITION", "File " + file.name() + " was uploaded with an API key that"
                    + " is no longer in the gateway's pool; upload the file again");
        }
        if (k.state() != KeyState.ACTIVE) {
            throw new ClientError(503, "UNAVAILABLE", "File " + file.name() + " lives in the project of an API key that"
                    + " is out of rotation (" + k.state() + "); retry when it is back, or upload the file again");
        }
        long ms = pool.retryAfterMillis(file.keyFingerprint(), model);
        if (ms > 0) {
            throw ClientError.tooManyRequests("File " + file.name() + " lives in the project of an API key that is"
                    + " cooling down" + (model == null ? "" : " for " + model) + "; retry later", (ms + 999) / 1000);
        }
    }
}
