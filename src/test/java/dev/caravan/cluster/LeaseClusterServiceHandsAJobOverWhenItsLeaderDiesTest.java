package dev.caravan.cluster;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.caravan.support.ScratchRedis;
import io.vertx.core.Vertx;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two replicas' cluster services on the machine's Redis, each with its own Vert.x and connections as two processes
 * would have: exactly one leads a namespace; when it dies without a word (its Vert.x closed, no release) the other
 * takes over within a lease; a clean stop hands over at once; without a shared store a service leads alone.
 */
class LeaseClusterServiceHandsAJobOverWhenItsLeaderDiesTest {

    private static final int LEASE_SECONDS = 3;

    private final String namespace = "test-job-" + UUID.randomUUID();
    private Replica a;
    private Replica b;

    @BeforeEach
    void start() throws Exception {
        String url = ScratchRedis.require("leases live in Redis").url();
        a = new Replica(url);
        b = new Replica(url);
    }

    @AfterEach
    void stop() {
        for (Replica r : List.of(a, b)) {
            if (r != null) {
                r.close();
            }
        }
    }

    @Test
    void exactlyOneLeadsAndTheOtherTakesOverWhenItDies() throws Exception {
        CamelClusterView viewA = a.join(namespace);
        CamelClusterView viewB = b.join(namespace);

        await().atMost(Duration.ofSeconds(10)).until(() -> viewA.getLocalMember().isLeader() ^ viewB.getLocalMember().isLeader());
        Replica leader = viewA.getLocalMember().isLeader() ? a : b;
        Replica other = leader == a ? b : a;
        CamelClusterView otherView = leader == a ? viewB : viewA;
        // several renewals later, still one leader, and the same
        await().pollDelay(Duration.ofSeconds(LEASE_SECONDS)).atMost(Duration.ofSeconds(LEASE_SECONDS + 5)).until(() -> true);
        assertThat(leader.service.isLeader(namespace)).isTrue();
        assertThat(other.service.isLeader(namespace)).isFalse();
        assertThat(otherView.getLeader()).hasValueSatisfying(m -> assertThat(m.getId()).isEqualTo(leader.service.memberId()));

        long died = System.nanoTime();
        leader.die();

        await().atMost(Duration.ofSeconds(LEASE_SECONDS * 3L)).until(() -> otherView.getLocalMember().isLeader());
        assertThat(Duration.ofNanos(System.nanoTime() - died)).isLessThan(Duration.ofSeconds(LEASE_SECONDS * 2L));
        assertThat(other.events).contains(true);
    }

    @Test
    void aCleanStopHandsTheLeaseOverBeforeItExpires() throws Exception {
        CamelClusterView viewA = a.join(namespace);
        await().atMost(Duration.ofSeconds(10)).until(() -> viewA.getLocalMember().isLeader());
        CamelClusterView viewB = b.join(namespace);

        a.service.stop();

        // the next attempt of b (a third of a lease) finds the lease free
        await().atMost(Duration.ofMillis(LEASE_SECONDS * 1000L * 2 / 3)).until(() -> viewB.getLocalMember().isLeader());
        assertThat(a.events).endsWith(true, false);
    }

    @Test
    void withoutASharedStoreEveryJobRunsHere() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            LeaseClusterService alone = new LeaseClusterService(vertx, SharedStore.connect(vertx, ""), LEASE_SECONDS);
            alone.setCamelContext(new DefaultCamelContext());
            alone.start();
            CamelClusterView view = alone.getView(namespace);

            await().atMost(Duration.ofSeconds(2)).until(() -> view.getLocalMember().isLeader());
            alone.stop();
        } finally {
            vertx.close();
        }
    }

    /** One replica: its own Vert.x, store and cluster service, and what it was told of its leadership. */
    private static final class Replica {
        final Vertx vertx = Vertx.vertx();
        final SharedStore store;
        final LeaseClusterService service;
        final List<Boolean> events = new CopyOnWriteArrayList<>();

        Replica(String url) throws Exception {
            store = SharedStore.connect(vertx, url);
            service = new LeaseClusterService(vertx, store, LEASE_SECONDS);
            service.setCamelContext(new DefaultCamelContext());
            service.start();
        }

        CamelClusterView join(String namespace) throws Exception {
            CamelClusterView view = service.getView(namespace);
            view.addEventListener((CamelClusterEventListener.Leadership) (v, leader) ->
                    events.add(leader != null && leader.isLocal()));
            return view;
        }

        /** Gone without releasing anything, as a killed process. */
        void die() {
            vertx.close();
        }

        void close() {
            try {
                service.stop();
            } catch (Exception ignored) {
                // a dead replica's service may fail to stop
            }
            store.close();
            vertx.close();
        }
    }
}
