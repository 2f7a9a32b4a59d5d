package dev.caravan.cluster;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.vertx.core.Vertx;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's cluster service behind the {@code master:<namespace>:<uri>} endpoints of the routes: in each namespace one
 * replica is the leader and runs the job, by holding a lease in the shared store. Camel ships no cluster service on
 * Redis, so this class is the whole protocol, and it is the usual one: {@code SET key me NX PX lease} to take the
 * lease, a compare-and-expire every third of the lease to keep it, a compare-and-delete to hand it back at a clean
 * stop; the value is the replica's random id, so no replica can renew or drop a lease it does not hold (fencing by
 * value). A replica that dies stops renewing and its lease expires: another takes it within one lease. A leader that
 * cannot renew (the store does not answer) steps down before its lease could have expired, measured from when its
 * last successful renewal was sent, so two leaders never overlap while clocks run at the same rate.
 *
 * <p>Without a shared store (REDIS_URL empty, one process) every view is the leader from its start: the jobs run as
 * they always did. Leadership changes are told to Camel on one thread of this service's own, in order. Thread-safe.
 */
public final class LeaseClusterService extends AbstractCamelClusterService<LeaseClusterService.LeaseView> {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseClusterService.class);
    /** The lease of namespace {@code n} is the key {@code <prefix>lease:n}; its value is the leader's id. */
    static final String KEY_PREFIX = "lease:";
    private static final String RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
    private static final String RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('del', KEYS[1]) else return 0 end";

    private final Vertx vertx;
    private final SharedStore store;
    private final long leaseMillis;
    private final String memberId;
    private ExecutorService events;

    /**
     * @param leaseSeconds CLUSTER_LEASE_SECONDS: how long a lease lasts without renewal
     */
    public LeaseClusterService(Vertx vertx, SharedStore store, int leaseSeconds) {
        super("caravan-leases");
        this.vertx = vertx;
        this.store = store;
        this.leaseMillis = leaseSeconds * 1000L;
        this.memberId = UUID.randomUUID().toString();
    }

    /** This replica's id in the leases (random at each start). */
    public String memberId() {
        return memberId;
    }

    @Override
    protected void doStart() throws Exception {
        events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "caravan-leadership");
            t.setDaemon(true);
            return t;
        });
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        if (events != null) {
            events.shutdown();
        }
    }

    @Override
    protected LeaseView createView(String namespace) {
        return new LeaseView(namespace);
    }

    /** One namespace: one job, one lease. */
    public final class LeaseView extends AbstractCamelClusterView {

        private final String key;
        private final Member local;
        private volatile String leaderId;
        private volatile boolean leader;
        /** While leader: the moment before which the lease is certainly still ours. */
        private volatile long certainUntil;
        private long timer = -1;

        LeaseView(String namespace) {
            super(LeaseClusterService.this, namespace);
            this.key = store.name(KEY_PREFIX + namespace);
            this.local = new Member(memberId);
        }

        @Override
        protected synchronized void doStart() {
            if (!store.enabled()) {
                changeLeadership(true, memberId);
                return;
            }
            tick();
            timer = vertx.setPeriodic(Math.max(200, leaseMillis / 3), t -> tick());
        }

        @Override
        protected synchronized void doStop() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
            if (leader && store.enabled()) {
                store.api().eval(List.of(RELEASE, "1", key, memberId));
            }
            changeLeadership(false, null);
        }

        /** Takes, keeps or gives up the lease; runs every third of a lease. */
        private void tick() {
            if (!isRunAllowed()) {
                return;
            }
            long sentAt = System.currentTimeMillis();
            if (leader) {
                store.api().eval(List.of(RENEW, "1", key, memberId, Long.toString(leaseMillis))).onComplete(ar -> {
                    if (ar.succeeded() && ar.result() != null && ar.result().toLong() == 1L) {
                        certainUntil = sentAt + leaseMillis;
                    } else if (ar.succeeded()) {
                        LOG.warn("Lost the lease on {} to another replica", getNamespace());
                        changeLeadership(false, null);
                    } else if (System.currentTimeMillis() + leaseMillis / 3 >= certainUntil) {
                        // the next renewal could come too late: step down before the lease can expire under us
                        LOG.warn("Stepping down from {}: the shared store does not answer ({})", getNamespace(),
                                ar.cause().toString());
                        changeLeadership(false, null);
                    }
                });
                return;
            }
            store.api().set(List.of(key, memberId, "NX", "PX", Long.toString(leaseMillis))).onComplete(ar -> {
                if (ar.failed()) {
                    return;
                }
                if (ar.result() != null && "OK".equals(ar.result().toString())) {
                    certainUntil = sentAt + leaseMillis;
                    changeLeadership(true, memberId);
                } else {
                    store.api().get(key).onSuccess(r -> leaderId = r == null ? null : r.toString());
                }
            });
        }

        private synchronized void changeLeadership(boolean nowLeader, String newLeaderId) {
            boolean changed = leader != nowLeader;
            leader = nowLeader;
            leaderId = newLeaderId;
            if (changed) {
                if (nowLeader) {
                    LOG.info("This replica now runs {}", getNamespace());
                }
                Member who = nowLeader ? local : null;
                try {
                    events.execute(() -> fireLeadershipChangedEvent(who));
                } catch (java.util.concurrent.RejectedExecutionException stopped) {
                    // the service has stopped: nobody is listening any more
                }
            }
        }

        /** Whether this replica holds the lease now. */
        public boolean isLeader() {
            return leader;
        }

        @Override
        public Optional<CamelClusterMember> getLeader() {
            String id = leaderId;
            if (leader) {
                return Optional.of(local);
            }
            return id == null ? Optional.empty() : Optional.of(new Remote(id));
        }

        @Override
        public CamelClusterMember getLocalMember() {
            return local;
        }

        @Override
        public List<CamelClusterMember> getMembers() {
            Optional<CamelClusterMember> l = getLeader();
            return l.isPresent() && !l.get().isLocal() ? List.of(local, l.get()) : List.of(local);
        }

        private final class Member implements CamelClusterMember {
            private final String id;

            Member(String id) {
                this.id = id;
            }

            @Override
            public boolean isLeader() {
                return leader;
            }

            @Override
            public boolean isLocal() {
                return true;
            }

            @Override
            public String getId() {
                return id;
            }
        }
    }

    /** Another replica, known only by the id in the lease. */
    private record Remote(String id) implements CamelClusterMember {
        @Override
        public boolean isLeader() {
            return true;
        }

        @Override
        public boolean isLocal() {
            return false;
        }

        @Override
        public String getId() {
            return id;
        }
    }
}
