package dev.caravan.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects what the gateway logs at WARN and above while it is open, so a test can say that an ordinary event
 * (a client leaving) raises no alarm an operator would have to chase. Thread-safe.
 */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();

    private LogCapture() {
        super("test-capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
    }

    public static LogCapture warningsAndErrors() {
        return at(Level.WARN);
    }

    /** Everything the gateway logs at its configured levels, stack traces included. */
    public static LogCapture everything() {
        return at(Level.ALL);
    }

    private static LogCapture at(Level level) {
        LogCapture c = new LogCapture();
        c.start();
        LoggerContext lc = (LoggerContext) LogManager.getContext(false);
        lc.getConfiguration().getRootLogger().addAppender(c, level, null);
        lc.updateLoggers();
        return c;
    }

    @Override
    public void append(LogEvent event) {
        lines.add(event.getLevel() + " " + event.getLoggerName() + " - " + event.getMessage().getFormattedMessage()
                + (event.getThrown() == null ? "" : " [" + stackTrace(event.getThrown()) + "]"));
    }

    private static String stackTrace(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        LoggerContext lc = (LoggerContext) LogManager.getContext(false);
        lc.getConfiguration().getRootLogger().removeAppender(getName());
        lc.updateLoggers();
        stop();
    }
}
