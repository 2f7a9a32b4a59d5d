package dev.caravan.http;

import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;

/**
 * The deadline a client sent with its request, so that a request never waits for a key longer than its client will:
 * Google's clients send {@code X-Server-Timeout} (seconds, the google-genai SDKs), OpenAI's {@code X-Stainless-Timeout}
 * (seconds, the openai SDKs). Kept as an exchange property of System.nanoTime(); stateless, thread-safe.
 */
public final class ClientDeadline {

    /** The exchange property with the System.nanoTime() by which the client stops waiting (absent: it said nothing). */
    public static final String PROPERTY = "caravanClientDeadlineNanos";
    /** A deadline further than a day is no deadline worth keeping. */
    private static final double MAX_SECONDS = 86_400;

    private ClientDeadline() {
    }

    /** Notes the client's deadline, counted from {@code arrivedNanos}, when its request carries one. */
    static void note(Exchange exchange, HttpServerRequest request, long arrivedNanos) {
        double seconds = seconds(request.getHeader("X-Server-Timeout"));
        if (seconds < 0) {
            seconds = seconds(request.getHeader("X-Stainless-Timeout"));
        }
        if (seconds > 0) {
            exchange.setProperty(PROPERTY, arrivedNanos + (long) (seconds * 1e9));
        }
    }

    /** Milliseconds the client still waits, or Long.MAX_VALUE when it sent no deadline. */
    public static long remainingMillis(Exchange exchange) {
        Long deadline = exchange.getProperty(PROPERTY, Long.class);
        return deadline == null ? Long.MAX_VALUE : (deadline - System.nanoTime()) / 1_000_000;
    }

    /** Decimal seconds as a header carries them; -1 when absent, malformed or out of range. */
    static double seconds(String value) {
        if (value == null || value.isEmpty() || value.length() > 16) {
            return -1;
        }
        try {
            double s = Double.parseDouble(value.trim());
            return s > 0 && s <= MAX_SECONDS ? s : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
