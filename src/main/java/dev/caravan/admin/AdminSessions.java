package dev.caravan.admin;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The admin page's server-side sessions. A session is a random 256-bit id (the cookie's value: never the admin
 * token) with its own random CSRF token, ending after {@value #IDLE_HOURS} hours without use or
 * ADMIN_SESSION_EXPIRE seconds after login (as gemini-balance's cookie; {@value #MAX_HOURS} hours when not told),
 * whichever comes first, or at logout. At most {@value #MAX_SESSIONS} live at once (the oldest goes first).
 *
 * <p>One process keeps its sessions in memory (a restart logs everybody out). Replicas keep them in the shared
 * store ({@link Store}), so a browser logged in on one is logged in on all, and a logout or an admin-token change
 * ends its sessions everywhere. Only admin requests ask the store: the gate on a worker thread waits for it at most
 * {@value #STORE_WAIT_MS} ms (then 503), the HTTP edge asks without waiting ({@link #findLater}). Thread-safe.
 */
public final class AdminSessions {

    static final int IDLE_HOURS = 8;
    static final int MAX_HOURS = 24;
    public static final int MAX_SESSIONS = 1_000;
    private static final long HOUR = 3_600_000L;
    /** How long an admin request waits for the shared store before it is answered 503. */
    static final long STORE_WAIT_MS = 2_000L;
    /** A session's last use is written back to the shared store at most this often (the idle limit is hours). */
    private static final long TOUCH_EVERY_MS = 60_000L;

    /**
     * Where replicas keep sessions (REDIS_URL): a session's record under its id, living {@code ttlMs}. Every
     * operation answers asynchronously.
     */
    public interface Store {
        CompletionStage<Void> save(String id, String record, long createdAt, long ttlMs);

        /** The record, or null when there is none. */
        CompletionStage<String> load(String id);

        /** Writes a newer record of a session that still exists (an ended one stays ended). */
        CompletionStage<Void> touch(String id, String record, long ttlMs);

        CompletionStage<Void> delete(String id);

        CompletionStage<Void> deleteAllExcept(String id);
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private final java.util.function.IntSupplier maxAgeSeconds;
    private volatile Store store;

    /** One logged-in browser. */
    public static final class Session {
        private final String id;
        private final String csrf;
        private final long createdAt;
        /** How long it lives after login, fixed at login (a later change of ADMIN_SESSION_EXPIRE holds for new ones). */
        private final long maxAgeMs;
        private volatile long lastSeen;

        Session(String id, String csrf, long createdAt, long maxAgeMs) {
            this(id, csrf, createdAt, maxAgeMs, createdAt);
        }

        Session(String id, String csrf, long createdAt, long maxAgeMs, long lastSeen) {
            this.id = id;
            this.csrf = csrf;
            this.createdAt = createdAt;
            this.maxAgeMs = maxAgeMs;
            this.lastSeen = lastSeen;
        }

        /** What the shared store keeps of it (the id is the store's key, not part of the record). */
        String record() {
            return csrf + " " + createdAt + " " + maxAgeMs + " " + lastSeen;
        }

        static Session of(String id, String record) {
            String[] f = record.split(" ");
            if (f.length != 4) {
                return null;
            }
            try {
                return new Session(id, f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
            } catch (NumberFormatException e) {
                return null;
            }
        }

        /** Seconds it lives after login (the cookie's Max-Age). */
        public long maxAgeSeconds() {
            return maxAgeMs / 1000;
        }

        public String id() {
            return id;
        }

        /** The token the page sends back in {@code X-CSRF-Token} with every change. */
        public String csrf() {
            return csrf;
        }

        public long expiresAt() {
            return Math.min(createdAt + maxAgeMs, lastSeen + IDLE_HOURS * HOUR);
        }

        /** Whether {@code presented} is this session's CSRF token, compared in constant time. */
        public boolean csrfMatches(String presented) {
            return presented != null && MessageDigest.isEqual(csrf.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    presented.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    public AdminSessions(LongSupplier clock) {
        this(clock, () -> MAX_HOURS * 3600);
    }

    /** @param maxAgeSeconds ADMIN_SESSION_EXPIRE in force, read at each login */
    public AdminSessions(LongSupplier clock, java.util.function.IntSupplier maxAgeSeconds) {
        this.clock = clock;
        this.maxAgeSeconds = maxAgeSeconds;
    }

    /** Keeps sessions in {@code store} from now on (several replicas). */
    public void share(Store store) {
        this.store = store;
    }

    /** Starts a session. */
    public Session create() {
        long now = clock.getAsLong();
        Store st = store;
        if (st != null) {
            Session s = new Session(randomToken(), randomToken(), now, maxAgeSeconds.getAsInt() * 1000L);
            await(st.save(s.id, s.record(), now, s.expiresAt() - now));
            return s;
        }
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().removeIf(s -> s.expiresAt() <= now);
            while (sessions.size() >= MAX_SESSIONS) {
                sessions.values().stream().min(Comparator.comparingLong(s -> s.lastSeen))
                        .ifPresent(oldest -> sessions.remove(oldest.id));
            }
        }
        Session s = new Session(randomToken(), randomToken(), now, maxAgeSeconds.getAsInt() * 1000L);
        sessions.put(s.id, s);
        return s;
    }

    /** The live session with this id (and marks it used), or null. Waits for the shared store: not on an event loop. */
    public Session find(String id) {
        if (id == null || id.isEmpty()) {
            return null;
        }
        if (store != null) {
            return await(findLater(id));
        }
        Session s = sessions.get(id);
        if (s == null) {
            return null;
        }
        long now = clock.getAsLong();
        if (s.expiresAt() <= now) {
            sessions.remove(id, s);
            return null;
        }
        s.lastSeen = now;
        return s;
    }

    /** {@link #find} without waiting: for the HTTP edge, which runs on an event loop. */
    public CompletionStage<Session> findLater(String id) {
        Store st = store;
        if (st == null || id == null || id.isEmpty()) {
            return CompletableFuture.completedFuture(st == null ? find(id) : null);
        }
        return st.load(id).thenApply(record -> {
            Session s = record == null ? null : Session.of(id, record);
            long now = clock.getAsLong();
            if (s == null || s.expiresAt() <= now) {
                return null;
            }
            if (now - s.lastSeen >= TOUCH_EVERY_MS) {
                s.lastSeen = now;
                st.touch(id, s.record(), s.expiresAt() - now);
            }
            return s;
        });
    }

    public void end(String id) {
        if (id != null) {
            sessions.remove(id);
            Store st = store;
            if (st != null) {
                await(st.delete(id));
            }
        }
    }

    /** Ends every session but {@code keep} (after the admin token changed). */
    public void endAllExcept(Session keep) {
        sessions.values().removeIf(s -> s != keep);
        Store st = store;
        if (st != null) {
            await(st.deleteAllExcept(keep == null ? "" : keep.id));
        }
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(STORE_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminError(503, "Interrupted while asking the shared store for the session");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AdminError(503, "The shared store (REDIS_URL) does not answer: sessions cannot be checked; try again");
        }
    }

    public int size() {
        return sessions.size();
    }

    private String randomToken() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
