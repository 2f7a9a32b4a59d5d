package dev.caravan.imagefetch;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;

/**
 * The limits of one image fetch, enforced inside HttpClient so that no reader of the answer can step over them:
 * <ul>
 * <li>one deadline for the whole fetch, from the name lookup to the last byte of the body: when it passes, the
 * request is cancelled and its connection closed, which ends a read blocked on a server that trickles a byte at a
 * time (a read timeout alone would never fire);</li>
 * <li>at most {@code maxBytes} of body: one byte more and the connection is closed, whoever is reading.</li>
 * </ul>
 * A body that is closed before its end closes the connection instead of reading the rest to reuse it, as HttpClient
 * would otherwise do. Installed first in the exec chain, so it sees the body as decoded (a compressed bomb counts at
 * its decoded size). Thread-safe: each fetch has its own state; the timer is shared.
 */
public final class ImageFetchLimits implements ExecChainHandler, AutoCloseable {

    private final long deadlineMillis;
    private final long maxBytes;
    private final ScheduledThreadPoolExecutor timer;

    /**
     * @param deadlineMillis the longest a whole fetch may take
     * @param maxBytes       the most body bytes a fetch may read
     */
    public ImageFetchLimits(long deadlineMillis, long maxBytes) {
        this.deadlineMillis = deadlineMillis;
        this.maxBytes = maxBytes;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "caravan-image-deadline");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        Fetch fetch = new Fetch(scope);
        fetch.deadline = timer.schedule(fetch::expire, deadlineMillis, TimeUnit.MILLISECONDS);
        ClassicHttpResponse response;
        try {
            response = chain.proceed(request, scope);
        } catch (IOException | HttpException | RuntimeException e) {
            fetch.done();
            if (fetch.expired.get()) {
                throw new IOException("the fetch took longer than " + deadlineMillis + " ms", e);
            }
            throw e;
        }
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            fetch.done();
            return response;
        }
        if (entity.getContentLength() > maxBytes) {
            fetch.abort();
            fetch.done();
            response.close();
            throw new IOException("the image announces " + entity.getContentLength() + " bytes, more than "
                    + maxBytes);
        }
        response.setEntity(new LimitedEntity(entity, fetch));
        return response;
    }

    /** One fetch: its deadline and how to abort it. */
    private final class Fetch {
        private final ExecChain.Scope scope;
        private final AtomicBoolean expired = new AtomicBoolean();
        private volatile ScheduledFuture<?> deadline;

        Fetch(ExecChain.Scope scope) {
            this.scope = scope;
        }

        /** The deadline passed. */
        void expire() {
            expired.set(true);
            abort();
        }

        /** Cancels the request wherever it is (lookup, connect, headers, body) and closes its connection. */
        void abort() {
            if (scope.originalRequest instanceof Cancellable c) {
                c.cancel();
            }
            scope.execRuntime.discardEndpoint();
        }

        void done() {
            ScheduledFuture<?> d = deadline;
            if (d != null) {
                d.cancel(false);
            }
        }
    }

    /** The answer's body behind the byte cap; the same stream for every caller, so the cap counts all reads. */
    private final class LimitedEntity extends HttpEntityWrapper {
        private final Fetch fetch;
        private LimitedStream stream;

        LimitedEntity(HttpEntity wrapped, Fetch fetch) {
            super(wrapped);
            this.fetch = fetch;
        }

        @Override
        public synchronized InputStream getContent() throws IOException {
            if (stream == null) {
                stream = new LimitedStream(super.getContent(), fetch);
            }
            return stream;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            try (InputStream in = getContent()) {
                in.transferTo(out);
            }
        }

        @Override
        public boolean isRepeatable() {
            return false;
        }

        @Override
        public synchronized void close() throws IOException {
            if (stream != null) {
                stream.close();
            } else {
                fetch.abort();
                fetch.done();
                super.close();
            }
        }
    }

    private final class LimitedStream extends FilterInputStream {
        private final Fetch fetch;
        private long read;
        private boolean ended;
        private boolean closed;

        LimitedStream(InputStream in, Fetch fetch) {
            super(in);
            this.fetch = fetch;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            // never ask the connection for more than one byte past the cap
            int n;
            try {
                n = super.read(b, off, (int) Math.max(1, Math.min(len, maxBytes + 1 - read)));
            } catch (IOException e) {
                if (fetch.expired.get()) {
                    throw new IOException("the fetch took longer than " + deadlineMillis + " ms", e);
                }
                throw e;
            }
            if (n < 0) {
                ended = true;
                fetch.done();
                return n;
            }
            read += n;
            if (read > maxBytes) {
                fetch.abort();
                fetch.done();
                throw new IOException("the image is larger than " + maxBytes + " bytes");
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] sink = new byte[(int) Math.min(8192, Math.max(0, n))];
            long skipped = 0;
            while (skipped < n) {
                int r = read(sink, 0, (int) Math.min(sink.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            if (!ended) {
                // the rest is not wanted: close the connection rather than read the rest to reuse it
                fetch.abort();
            }
            fetch.done();
            try {
                super.close();
            } catch (IOException e) {
                // the connection was closed on purpose
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
