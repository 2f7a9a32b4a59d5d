package dev.caravan.imagefetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.hc.client5.http.DnsResolver;

/**
 * The one name lookup of an image fetch, and the address check on its answer. HttpClient asks it for the addresses
 * of the image host just before it opens the connection and connects only to what it answers, so the address
 * checked is the address connected to: a DNS answer that changes between a check and the fetch (DNS rebinding)
 * has no second lookup to slip into. The URL, and so the {@code Host} header, TLS SNI and the certificate check,
 * keep the host name. A host with any forbidden address is refused as a whole.
 *
 * <p>Lookups run on a few threads of their own so that a slow name server cannot hold a fetch past its time
 * budget; when they are all busy the lookup is refused. Thread-safe.
 */
public final class ImageAddressResolver implements DnsResolver, AutoCloseable {

    /** How a host name becomes addresses; {@link InetAddress#getAllByName} outside tests. */
    @FunctionalInterface
    public interface Lookup {
        InetAddress[] addresses(String host) throws UnknownHostException;
    }

    /** Why a host is not fetched; the message is for the debug log, never for the client. */
    public static final class RefusedAddress extends UnknownHostException {
        RefusedAddress(String message) {
            super(message);
        }
    }

    /** Enough that a few slow name servers do not stop every other image fetch; each waiting thread is idle. */
    private static final int LOOKUP_THREADS = 32;

    private final Lookup lookup;
    private final boolean allowPrivate;
    private final long timeoutMillis;
    private final ThreadPoolExecutor lookups;

    /**
     * @param allowPrivate   let the host resolve to loopback and private addresses (IMAGE_FETCH_ALLOW_PRIVATE)
     * @param timeoutMillis  the longest a lookup may take
     */
    public ImageAddressResolver(Lookup lookup, boolean allowPrivate, long timeoutMillis) {
        this.lookup = lookup;
        this.allowPrivate = allowPrivate;
        this.timeoutMillis = timeoutMillis;
        this.lookups = new ThreadPoolExecutor(0, LOOKUP_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "caravan-image-lookup");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = lookUp(host);
        if (addresses.length == 0) {
            throw new UnknownHostException("no address for the image host");
        }
        if (!allowPrivate) {
            for (InetAddress a : addresses) {
                String reason = ForbiddenAddresses.reason(a);
                if (reason != null) {
                    throw new RefusedAddress("the image host resolves to " + a.getHostAddress() + ": " + reason);
                }
            }
        }
        return addresses;
    }

    /** Only Kerberos asks for it; no lookup is made on its behalf. */
    @Override
    public String resolveCanonicalHostname(String host) {
        return host;
    }

    private InetAddress[] lookUp(String host) throws UnknownHostException {
        Future<InetAddress[]> answer;
        try {
            answer = lookups.submit(() -> lookup.addresses(host));
        } catch (RejectedExecutionException e) {
            throw new UnknownHostException("every image lookup thread is busy");
        }
        try {
            return answer.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new UnknownHostException("the lookup took longer than " + timeoutMillis + " ms");
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new UnknownHostException("interrupted while looking up the image host");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException u) {
                throw u;
            }
            throw new UnknownHostException("lookup failed: " + e.getCause());
        }
    }

    @Override
    public void close() {
        lookups.shutdownNow();
    }
}
