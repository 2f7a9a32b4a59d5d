package dev.caravan.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The machine's Redis (127.0.0.1:6379, no password) for replicas under test, behind a TCP relay on a port of its own
 * that a test can cut (every connection dropped, new ones refused) and restore on the same port: Redis "goes away"
 * for the gateways alone, and the machine's Redis is never touched. Each test class gets a key prefix of its own
 * (keys and channels), so parallel runs never meet, and its keys are deleted afterwards. Register it before the
 * gateways ({@code @Order}); on a developer's machine without Redis the class is skipped, under {@code CI=true} it fails
 * (.ci/run starts Redis).
 */
public final class SharedRedis implements BeforeAllCallback, AfterAllCallback {

    public static final int REDIS_PORT = 6379;

    private final String prefix = "caravan-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + ":";
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;

    private SharedRedis() {
        try {
            listener = listen(0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        port = listener.getLocalPort();
        accept(listener);
    }

    public static SharedRedis relayed() {
        return new SharedRedis();
    }

    /** Points a gateway at Redis through the relay, under this class's prefix. */
    public Gateway configure(Gateway gateway) {
        return gateway.set("caravan.redis-url", url()).set("caravan.redis-prefix", prefix);
    }

    /** The relay's address, as REDIS_URL. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public String prefix() {
        return prefix;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (command("PING").startsWith("+PONG")) {
            return;
        }
        String message = "Redis must answer at 127.0.0.1:" + REDIS_PORT + " for the replica tests (.ci/run starts it)";
        if (RequiredTools.inCi(System.getenv())) {
            Assertions.fail("CI=true and " + message);
        }
        Assumptions.abort(message);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        cut();
        // the class's own keys only: a Lua loop over its prefix (tests keep a handful of keys)
        command("EVAL", "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end return 0", "0",
                prefix + "*");
    }

    /** Redis goes away for the gateways: connections are dropped and new ones refused until {@link #restore}. */
    public void cut() {
        ServerSocket l = listener;
        listener = null;
        try {
            if (l != null) {
                l.close();
            }
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    /** Redis comes back on the same port. */
    public void restore() throws IOException {
        if (listener == null) {
            listener = listen(port);
            accept(listener);
        }
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
        return s;
    }

    private void accept(ServerSocket l) {
        Thread t = new Thread(() -> {
            while (!l.isClosed()) {
                try {
                    Socket client = l.accept();
                    Socket redis = new Socket(InetAddress.getLoopbackAddress(), REDIS_PORT);
                    client.setTcpNoDelay(true);
                    redis.setTcpNoDelay(true);
                    open.add(client);
                    open.add(redis);
                    pipe(client, redis);
                    pipe(redis, client);
                } catch (IOException closed) {
                    return;
                }
            }
        }, "redis-relay-accept");
        t.setDaemon(true);
        t.start();
    }

    private void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException gone) {
                // one side closed or was cut
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "redis-relay");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** One command straight to the machine's Redis (RESP), its first reply line; "" when Redis does not answer. */
    static String command(String... args) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), REDIS_PORT), 2000);
            s.setSoTimeout(5000);
            StringBuilder req = new StringBuilder("*" + args.length + "\r\n");
            for (String a : args) {
                req.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
            }
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                line.append((char) c);
            }
            return line.toString().trim();
        } catch (IOException e) {
            return "";
        }
    }
}
