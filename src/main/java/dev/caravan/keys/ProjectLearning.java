package dev.caravan.keys;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Learns which keys share a project from Google's quota 429s (README "Quotas", the evidence). Key B joins key A's
 * project when all of these hold:
 * <ul>
 *   <li>B's 429 names the same quota (quotaId) and model as a 429 of A, within PROJECT_EVIDENCE_SECONDS;</li>
 *   <li>Google's limit (quotaValue) is known, and B alone could not have spent it: B's own attempts in the quota's
 *       period (the last minute, or Google's day) are fewer than the limit;</li>
 *   <li>the two pauses end together (within a second): one budget resets once;</li>
 *   <li>A's project is the only other one with such a 429 in that span: a coincidence that could name two projects
 *       teaches nothing (under an even load many projects run out at once).</li>
 * </ul>
 * An operator's word (API_KEYS' key@project, the admin page) and a project Google names are never overridden by it.
 *
 * <p>Thread-safe: the recent 429s are guarded by this object's lock, taken only on quota 429s (never by picks).
 */
public final class ProjectLearning {

    /** Recent quota 429s remembered at most. */
    static final int MAX_RECENT = 512;
    /** Pauses that end within this much of each other end together. */
    static final long SAME_RESET_MS = 1_000;

    private record Hit(ApiKey key, String quotaId, String model, long atMillis, long untilMillis) {
    }

    private final KeyRoundRobin pool;
    private final ArrayDeque<Hit> recent = new ArrayDeque<>();
    private volatile IntSupplier windowSeconds = () -> 5;

    ProjectLearning(KeyRoundRobin pool) {
        this.pool = pool;
    }

    /** PROJECT_EVIDENCE_SECONDS, read at each 429 (0: learn nothing from coincidences). */
    public void windowSeconds(IntSupplier seconds) {
        this.windowSeconds = seconds;
    }

    /** A quota 429 on {@code key} for {@code model}: remembered, and compared with the recent ones. */
    void quota429(ApiKey key, String model, Verdict verdict, long now) {
        long window = windowSeconds.getAsInt() * 1000L;
        if (window <= 0 || verdict.evidence() == null || verdict.evidence().quotaId() == null) {
            return;
        }
        String quotaId = verdict.evidence().quotaId();
        long limit = -1;
        QuotaSignal.Dimension dimension = QuotaSignal.Dimension.of(quotaId, null);
        for (QuotaSignal.Violation v : verdict.signal().violations()) {
            if (quotaId.equals(v.quotaId())) {
                limit = v.value();
            }
        }
        Hit hit = new Hit(key, quotaId, model, now, verdict.untilMillis());
        ApiKey partner = null;
        synchronized (this) {
            Set<Project> others = new HashSet<>();
            ApiKey candidate = null;
            for (Iterator<Hit> it = recent.iterator(); it.hasNext(); ) {
                Hit h = it.next();
                if (now - h.atMillis > window) {
                    it.remove();
                    continue;
                }
                if (h.key != key && h.quotaId.equals(quotaId) && java.util.Objects.equals(h.model, model)
                        && h.key.project() != key.project()) {
                    others.add(h.key.project());
                    if (Math.abs(h.untilMillis - hit.untilMillis) <= SAME_RESET_MS) {
                        candidate = h.key;
                    }
                }
            }
            recent.addLast(hit);
            while (recent.size() > MAX_RECENT) {
                recent.removeFirst();
            }
            if (candidate != null && others.size() == 1 && limit > 0 && ownUse(key, model, dimension, now) - 1 < limit) {
                partner = candidate;
            }
        }
        if (partner != null) {
            join(key, partner, quotaId, model, limit, now);
            // the pause is the (new) project's now, for every key of it
            key.project().coolDown(model, new ApiKey.Cooldown(verdict.untilMillis(), verdict.kind(), verdict.evidence()), now);
        }
    }

    private long ownUse(ApiKey key, String model, QuotaSignal.Dimension dimension, long now) {
        if (dimension == QuotaSignal.Dimension.REQUESTS_PER_DAY) {
            long n = 0;
            for (long c : key.usageOn(pool.today()).values()) {
                n += c;
            }
            return n;
        }
        if (dimension == QuotaSignal.Dimension.REQUESTS_PER_MINUTE) {
            return key.attemptsLastMinute(now);
        }
        // a token quota: a key's own requests say nothing about the tokens it spent
        return Long.MAX_VALUE;
    }

    // ownUse counts the refused attempt itself (it is counted when picked): less one, the key's use before it

    /** Puts the key whose project nobody named into the other's project (a new learned one when both are unknown). */
    private void join(ApiKey b, ApiKey a, String quotaId, String model, long limit, long now) {
        String why = "429 " + quotaId + " for " + model + " coincided with key " + a.fingerprint() + "'s while this key"
                + " had not spent the limit of " + limit;
        if (b.projectSource().rank <= Project.Source.LEARNED.rank) {
            String name = a.project().own() ? "learned-" + a.fingerprint() : a.project().name();
            if (a.project().own()) {
                pool.assignProject(a, name, Project.Source.LEARNED, "429 " + quotaId + " for " + model
                        + " coincided with key " + b.fingerprint() + "'s");
            }
            pool.assignProject(b, name, Project.Source.LEARNED, why);
        } else if (a.projectSource().rank <= Project.Source.LEARNED.rank) {
            pool.assignProject(a, b.project().name(), Project.Source.LEARNED, "429 " + quotaId + " for " + model
                    + " coincided with key " + b.fingerprint() + "'s, which had not spent the limit of " + limit);
        }
    }
}
