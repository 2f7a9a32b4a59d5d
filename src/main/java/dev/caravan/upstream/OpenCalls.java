package dev.caravan.upstream;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls to Google under way, so that a stop can end the ones that outlast SHUTDOWN_TIMEOUT_SECONDS with an answer
 * the client can read (a 503 in its dialect, or a stream's error event) rather than a cut connection, which a client
 * may take for a whole answer. Each call is added as it starts and removed as it ends: one set entry a call.
 * Thread-safe.
 */
public final class OpenCalls {

    /** A call that can be ended by the gateway, on its own thread, with its own answer. */
    interface Cuttable {
        void cut();
    }

    private final Set<Cuttable> open = ConcurrentHashMap.newKeySet();
    /** Set once the calls were cut: a call that starts later (a request between two attempts) is ended at once. */
    private volatile boolean cutting;

    void opened(Cuttable call) {
        open.add(call);
        if (cutting) {
            call.cut();
        }
    }

    void closed(Cuttable call) {
        open.remove(call);
    }

    /** The calls under way now. */
    public int count() {
        return open.size();
    }

    /**
     * Ends every call under way: each answers its client that Caravan is stopping (no key is blamed, nothing is
     * retried) and finishes its request, request-log row included; so does every call that starts from now on. Returns
     * at once; the answers go out on the calls' own threads.
     *
     * @return how many calls were told to end
     */
    public int cutAll() {
        cutting = true;
        int n = 0;
        for (Cuttable c : open) {
            c.cut();
            n++;
        }
        return n;
    }
}
