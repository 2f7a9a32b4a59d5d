package dev.caravan.cluster;

import java.util.UUID;
import java.util.function.IntSupplier;

import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settings saved on one replica come into force on the others: the saving replica publishes a notice on the shared
 * store's channel {@value #CHANNEL}, and every replica, on hearing one, re-reads the settings table (the database is
 * shared) and applies what changed. A replica also re-reads after each (re)connection of its subscriber, so a notice
 * missed while the store was away is caught up. The notice carries nothing but the sender's random id; settings never
 * travel through the store. Re-reads run on a worker thread, one at a time. Thread-safe.
 */
public final class SettingsChanges extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(SettingsChanges.class);
    static final String CHANNEL = "settings-changed";
    private static final long RECONNECT_MS = 1_000L;

    private final Vertx vertx;
    private final SharedStore store;
    private final IntSupplier reload;
    private final String senderId = UUID.randomUUID().toString();
    private volatile RedisConnection subscriber;

    /** @param reload re-reads the settings table and applies it; answers how many settings changed */
    public SettingsChanges(Vertx vertx, SharedStore store, IntSupplier reload) {
        this.vertx = vertx;
        this.store = store;
        this.reload = reload;
    }

    /** Tells the other replicas that settings were saved here (fire and forget). */
    public void publish() {
        store.api().publish(store.name(CHANNEL), senderId)
                .onFailure(e -> LOG.warn("Could not tell the other replicas of the settings change: {}", e.toString()));
    }

    @Override
    protected void doStart() {
        subscribe();
    }

    @Override
    protected void doStop() {
        RedisConnection c = subscriber;
        subscriber = null;
        if (c != null) {
            c.close();
        }
    }

    private void subscribe() {
        if (!isRunAllowed()) {
            return;
        }
        store.client().connect().onSuccess(conn -> {
            if (!isRunAllowed()) {
                conn.close();
                return;
            }
            conn.handler(this::heard);
            conn.exceptionHandler(e -> LOG.debug("Settings subscriber: {}", e.toString()));
            conn.endHandler(v -> {
                if (subscriber == conn) {
                    LOG.warn("Lost the shared store's settings channel: reconnecting");
                    retry();
                }
            });
            conn.send(Request.cmd(Command.SUBSCRIBE).arg(store.name(CHANNEL))).onSuccess(r -> {
                subscriber = conn;
                // whatever was saved while this replica was not listening
                reloadLater("reconnected");
            }).onFailure(e -> {
                conn.close();
                retry();
            });
        }).onFailure(e -> retry());
    }

    private void retry() {
        subscriber = null;
        if (isRunAllowed()) {
            vertx.setTimer(RECONNECT_MS, t -> subscribe());
        }
    }

    private void heard(Response message) {
        // ["message", channel, sender]; the subscription's own confirmations look alike with "subscribe"
        if (message != null && message.size() >= 3 && "message".equals(message.get(0).toString())
                && !senderId.equals(message.get(2).toString())) {
            reloadLater("changed on another replica");
        }
    }

    private void reloadLater(String why) {
        vertx.executeBlocking(() -> reload.getAsInt(), true).onSuccess(n -> {
            if (n > 0) {
                LOG.info("Settings re-read ({}): {} now in force", why, n);
            }
        }).onFailure(e -> LOG.warn("Could not re-read the settings ({}): {}", why, e.toString()));
    }
}
