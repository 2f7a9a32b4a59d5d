package dev.caravan.admin;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The admin page's server-side sessions. A session is a random 256-bit id (the cookie's value: never the admin
 * token) with its own random CSRF token, ending after {@value #IDLE_HOURS} hours without use or
 * ADMIN_SESSION_EXPIRE seconds after login (as gemini-balance's cookie; {@value #MAX_HOURS} hours when not told),
 * whichever comes first, or at logout. Sessions live in memory: a restart
 * logs everybody out. At most {@value #MAX_SESSIONS} live at once (the oldest goes first). Thread-safe.
 */
public final class AdminSessions {

    static final int IDLE_HOURS = 8;
    static final int MAX_HOURS = 24;
    static final int MAX_SESSIONS = 1_000;
    private static final long HOUR = 3_600_000L;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private final java.util.function.IntSupplier maxAgeSeconds;

    /** One logged-in browser. */
    public static final class Session {
        private final String id;
        private final String csrf;
        private final long createdAt;
        /** How long it lives after login, fixed at login (a later change of ADMIN_SESSION_EXPIRE holds for new ones). */
        private final long maxAgeMs;
        private volatile long lastSeen;

        Session(String id, String csrf, long createdAt, long maxAgeMs) {
            this.id = id;
            this.csrf = csrf;
            this.createdAt = createdAt;
            this.maxAgeMs = maxAgeMs;
            this.lastSeen = createdAt;
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

    /** Starts a session. */
    public Session create() {
        long now = clock.getAsLong();
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

    /** The live session with this id (and marks it used), or null. */
    public Session find(String id) {
        if (id == null || id.isEmpty()) {
            return null;
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

    public void end(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /** Ends every session but {@code keep} (after the admin token changed). */
    public void endAllExcept(Session keep) {
        sessions.values().removeIf(s -> s != keep);
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
