package dev.caravan.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.keys.ApiKey;
import dev.caravan.keys.Evidence;
import dev.caravan.keys.KeyRoundRobin;
import dev.caravan.keys.KeyState;
import dev.caravan.keys.KeyStateListener;
import dev.caravan.keys.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the pool's key health in the {@code key_state} table so that it survives a restart: state with its
 * evidence, strikes, an operator's disable, and per-model cool-downs with their deadlines. Rows are keyed by the
 * key's fingerprint, never the key.
 *
 * <p>Writes are behind: {@link #changed} (called by the pool, possibly on an event loop) only marks the key dirty
 * and wakes one writer thread, which saves a snapshot of every dirty key in one transaction. Many changes of one
 * key between two writes cost one write. A key back to plain health (active, no strikes, no cool-down) has its row
 * deleted. When the database cannot take a write, the keys stay dirty and the writer tries again every
 * {@value #RETRY_SECONDS} seconds until it can, so a change made while the database was away is saved once it is
 * back, without waiting for another change. Thread-safe.
 */
public final class KeyStateStore implements KeyStateListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeyStateStore.class);
    /** Seconds between two tries to save key state while the database refuses it. */
    static final int RETRY_SECONDS = 5;

    private final DataSource ds;
    private final ObjectMapper json;
    private final LongSupplier clock;
    private final Map<String, ApiKey> dirty = new ConcurrentHashMap<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Whether the last write failed: the first failure of an outage is a warning, the next ones are not. */
    private volatile boolean failing;
    private final ScheduledThreadPoolExecutor writer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "caravan-key-state");
        t.setDaemon(true);
        return t;
    });

    public KeyStateStore(DataSource ds, ObjectMapper json, LongSupplier clock) {
        this.ds = ds;
        this.json = json;
        this.clock = clock;
        // at close, a retry still waiting is dropped: close() writes what is dirty itself
        writer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public void changed(ApiKey key) {
        dirty.put(key.fingerprint(), key);
        if (scheduled.compareAndSet(false, true)) {
            try {
                writer.execute(this::flush);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                scheduled.set(false);
            }
        }
    }

    /** Writes every dirty key now, on the calling thread; the writer thread calls it, so may a shutdown. */
    public synchronized void flush() {
        // cleared first: a change that comes while this writes schedules another flush
        scheduled.set(false);
        if (dirty.isEmpty()) {
            return;
        }
        List<ApiKey> batch = new ArrayList<>(dirty.values());
        for (ApiKey k : batch) {
            dirty.remove(k.fingerprint(), k);
        }
        try {
            write(batch);
            if (failing) {
                failing = false;
                LOG.info("Saved the state of {} key(s) again: the database is back", batch.size());
            }
        } catch (SQLException | RuntimeException e) {
            // kept dirty, and tried again in a while (or by the next change, or the flush at shutdown)
            for (ApiKey k : batch) {
                dirty.putIfAbsent(k.fingerprint(), k);
            }
            if (!failing) {
                failing = true;
                LOG.warn("Cannot save the state of {} key(s); trying again every {} s until the database takes it: {}",
                        batch.size(), RETRY_SECONDS, e.getMessage());
            } else {
                LOG.debug("Still cannot save the state of {} key(s): {}", batch.size(), e.getMessage());
            }
            retryLater();
        }
    }

    private void retryLater() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                writer.schedule(this::flush, RETRY_SECONDS, TimeUnit.SECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // closing: close() flushes itself
                scheduled.set(false);
            }
        }
    }

    private void write(List<ApiKey> batch) throws SQLException {
        long now = clock.getAsLong();
        Transactions.run(ds, c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM key_state WHERE key_fingerprint = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO key_state (key_fingerprint, state, "
                         + "manually_disabled, strikes, reason, evidence_status, quota_id, evidence_at_ms, cooldowns, "
                         + "updated_at_ms, project, project_source, project_evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                boolean inserts = false;
                for (ApiKey k : batch) {
                    del.setString(1, k.fingerprint());
                    del.addBatch();
                    Map<String, ApiKey.Cooldown> cooldowns = live(k.cooldowns(), now);
                    // a key deleted since it was marked dirty keeps no row (the delete already dropped it)
                    if (k.removed() || plain(k, cooldowns)) {
                        continue;
                    }
                    Evidence ev = k.evidence();
                    ins.setString(1, k.fingerprint());
                    ins.setString(2, k.state().name());
                    ins.setBoolean(3, k.manuallyDisabled());
                    ins.setInt(4, k.strikes());
                    setString(ins, 5, ev == null ? null : LogRow.cut(ev.reason(), 128));
                    setInt(ins, 6, ev == null ? null : ev.status());
                    setString(ins, 7, ev == null ? null : LogRow.cut(ev.quotaId(), 255));
                    setLong(ins, 8, ev == null ? null : ev.atMillis());
                    setString(ins, 9, cooldowns.isEmpty() ? null : cooldownsJson(cooldowns));
                    ins.setLong(10, now);
                    boolean keepProject = projectToKeep(k);
                    setString(ins, 11, keepProject ? LogRow.cut(k.project().name(), 128) : null);
                    setString(ins, 12, keepProject ? k.projectSource().name() : null);
                    setString(ins, 13, keepProject ? LogRow.cut(k.projectEvidence(), 255) : null);
                    ins.addBatch();
                    inserts = true;
                }
                del.executeBatch();
                if (inserts) {
                    ins.executeBatch();
                }
            }
        });
    }

    /**
     * Puts back the saved health of the pool's keys (matched by fingerprint); saved rows of keys no longer in the
     * pool are kept for the day they come back. Call before the pool serves.
     *
     * @return how many keys were restored
     */
    public int restore(KeyRoundRobin pool) {
        Map<String, ApiKey> byFingerprint = new HashMap<>();
        for (ApiKey k : pool.keys()) {
            byFingerprint.put(k.fingerprint(), k);
        }
        int restored = 0;
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT key_fingerprint, state, manually_disabled, strikes, reason, "
                     + "evidence_status, quota_id, evidence_at_ms, cooldowns, project, project_source, project_evidence "
                     + "FROM key_state");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ApiKey key = byFingerprint.get(rs.getString(1));
                if (key == null) {
                    continue;
                }
                KeyState state;
                try {
                    state = KeyState.valueOf(rs.getString(2));
                } catch (IllegalArgumentException unknown) {
                    continue;
                }
                boolean manual = rs.getBoolean(3);
                int strikes = rs.getInt(4);
                String reason = rs.getString(5);
                int status = rs.getInt(6);
                boolean hasEvidence = !rs.wasNull() || reason != null;
                String quotaId = rs.getString(7);
                long at = rs.getLong(8);
                Evidence ev = hasEvidence ? new Evidence(status, reason, quotaId, at) : null;
                String project = rs.getString(10);
                if (project != null && dev.caravan.keys.KeyEntry.validProject(project)) {
                    try {
                        pool.assignProject(key, project, dev.caravan.keys.Project.Source.valueOf(rs.getString(11)),
                                rs.getString(12));
                    } catch (IllegalArgumentException | NullPointerException unknownSource) {
                        // a row of a later version: its project is learned again
                    }
                }
                pool.restore(key, state, ev, strikes, manual, parseCooldowns(rs.getString(9)));
                restored++;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the saved key state: " + e.getMessage(), e);
        }
        return restored;
    }

    /** Saves what is still dirty and stops the writer thread. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }

    private static boolean plain(ApiKey k, Map<String, ApiKey.Cooldown> cooldowns) {
        return k.state() == KeyState.ACTIVE && k.strikes() == 0 && cooldowns.isEmpty() && !k.manuallyDisabled()
                && !projectToKeep(k);
    }

    /** A project that API_KEYS will not say again at the next start: learned, named by Google, or set on the admin page. */
    private static boolean projectToKeep(ApiKey k) {
        return k.projectSource() != dev.caravan.keys.Project.Source.UNKNOWN && !"API_KEYS".equals(k.projectEvidence());
    }

    private static Map<String, ApiKey.Cooldown> live(Map<String, ApiKey.Cooldown> all, long now) {
        Map<String, ApiKey.Cooldown> out = new LinkedHashMap<>();
        all.forEach((model, c) -> {
            if (c.untilMillis() > now) {
                out.put(model, c);
            }
        });
        return out;
    }

    private String cooldownsJson(Map<String, ApiKey.Cooldown> cooldowns) {
        ObjectNode root = json.createObjectNode();
        cooldowns.forEach((model, c) -> {
            ObjectNode n = root.putObject(model);
            n.put("until", c.untilMillis());
            n.put("kind", c.kind().name());
            Evidence ev = c.evidence();
            if (ev != null) {
                n.put("status", ev.status());
                n.put("reason", ev.reason());
                n.put("quotaId", ev.quotaId());
                n.put("at", ev.atMillis());
            }
        });
        return root.toString();
    }

    private Map<String, ApiKey.Cooldown> parseCooldowns(String text) {
        Map<String, ApiKey.Cooldown> out = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        try {
            for (Map.Entry<String, JsonNode> e : json.readTree(text).properties()) {
                JsonNode n = e.getValue();
                Verdict.Kind kind = Verdict.Kind.valueOf(n.path("kind").asText());
                Evidence ev = n.has("status")
                        ? new Evidence(n.path("status").asInt(), textOrNull(n.path("reason")), textOrNull(n.path("quotaId")),
                                n.path("at").asLong())
                        : null;
                out.put(e.getKey(), new ApiKey.Cooldown(n.path("until").asLong(), kind, ev));
            }
        } catch (Exception malformed) {
            LOG.warn("Ignoring a malformed saved cool-down: {}", malformed.getMessage());
        }
        return out;
    }

    private static String textOrNull(JsonNode n) {
        return n.isTextual() ? n.asText() : null;
    }

    private static void setString(PreparedStatement ps, int i, String v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.VARCHAR);
        } else {
            ps.setString(i, v);
        }
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }
}
