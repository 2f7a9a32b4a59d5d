package dev.caravan.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The machine's Redis (127.0.0.1:6379, which .ci/run starts) for the tests of replicas: each test takes one of its
 * numbered databases at random (1 to 15; 0 is left to people), so runs side by side rarely meet, and never flushes
 * one, since another run may be using it. Without a Redis that answers, the test is skipped, or fails under CI=true.
 */
public final class ScratchRedis {

    private static final String HOST = "127.0.0.1";
    private static final int PORT = 6379;

    private final int db;

    private ScratchRedis(int db) {
        this.db = db;
    }

    /** A random database of the machine's Redis; skips (fails in CI) when Redis does not answer PING. */
    public static ScratchRedis require(String why) {
        if (!answers()) {
            String message = why + ": no Redis answers at " + HOST + ":" + PORT + " (.ci/run starts it)";
            if (RequiredTools.inCi(System.getenv())) {
                Assertions.fail("CI=true and " + message);
            }
            Assumptions.abort(message);
        }
        return new ScratchRedis(ThreadLocalRandom.current().nextInt(1, 16));
    }

    /** REDIS_URL for the gateway. */
    public String url() {
        return "redis://" + HOST + ":" + PORT + "/" + db;
    }

    private static boolean answers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, PORT), 1000);
            s.setSoTimeout(1000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] b = new byte[7];
            int n = s.getInputStream().read(b);
            return n > 0 && new String(b, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }
}
