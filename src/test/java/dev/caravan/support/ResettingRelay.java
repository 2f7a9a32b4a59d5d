package dev.caravan.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP relay on a free port of 127.0.0.1 in front of {@link StubGemini}: every connection to it gets its own
 * connection to the stub, and bytes are passed on both ways as they come. The stub can ask it to reset the client's
 * connection (SO_LINGER 0, so the close is a TCP RST) as soon as given bytes of the answer went through, which the
 * JDK's HTTP server cannot do itself. Connections are told apart by the relay's own port towards the stub, which the
 * stub sees as the remote port of the request.
 */
final class ResettingRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final int target;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stub-relay");
        t.setDaemon(true);
        return t;
    });
    /** Relayed connections by the relay's local port towards the stub. */
    private final Map<Integer, Pipe> pipes = new ConcurrentHashMap<>();

    ResettingRelay(int targetPort) throws IOException {
        this.target = targetPort;
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /**
     * Arms the connection whose request reached the stub from {@code stubSidePort}: the client's side is reset right
     * after {@code marker} has been passed on. Call before writing the answer.
     *
     * @return false when no relayed connection has that port
     */
    boolean cutAfter(int stubSidePort, byte[] marker) {
        Pipe p = pipes.get(stubSidePort);
        if (p == null) {
            return false;
        }
        p.cut = new Cut(marker);
        return true;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket stub = new Socket(InetAddress.getLoopbackAddress(), target);
                client.setTcpNoDelay(true);
                stub.setTcpNoDelay(true);
                Pipe p = new Pipe(client, stub);
                pipes.put(stub.getLocalPort(), p);
                threads.execute(p::up);
                threads.execute(p::down);
            } catch (IOException e) {
                // closed: the stub is shutting down
            }
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // already closed
        }
        pipes.values().forEach(Pipe::close);
        threads.shutdownNow();
    }

    /** The bytes after which to reset, and the answer seen since the cut was armed. */
    private static final class Cut {
        final byte[] marker;
        final ByteArrayOutputStream seen = new ByteArrayOutputStream();

        Cut(byte[] marker) {
            this.marker = marker;
        }
    }

    private final class Pipe {
        final Socket client;
        final Socket stub;
        volatile Cut cut;

        Pipe(Socket client, Socket stub) {
            this.client = client;
            this.stub = stub;
        }

        /** The request, client to stub. */
        void up() {
            try {
                copy(client.getInputStream(), stub.getOutputStream());
            } catch (IOException ignored) {
                // either side went away
            } finally {
                close();
            }
        }

        /** The answer, stub to client, with the reset when armed. */
        void down() {
            try {
                InputStream in = stub.getInputStream();
                OutputStream out = client.getOutputStream();
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    Cut c = cut;
                    if (c != null) {
                        int before = c.seen.size();
                        c.seen.write(buf, 0, n);
                        int at = indexOf(c.seen.toByteArray(), c.marker);
                        if (at >= 0) {
                            out.write(buf, 0, at + c.marker.length - before);
                            out.flush();
                            reset();
                            return;
                        }
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // either side went away
            } finally {
                close();
            }
        }

        private void reset() throws IOException {
            client.setSoLinger(true, 0);
            client.close();
            stub.close();
        }

        void close() {
            pipes.remove(stub.getLocalPort(), this);
            try {
                client.close();
            } catch (IOException ignored) {
                // already closed
            }
            try {
                stub.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            out.flush();
        }
    }

    private static int indexOf(byte[] data, byte[] marker) {
        outer:
        for (int i = 0; i + marker.length <= data.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (data[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
