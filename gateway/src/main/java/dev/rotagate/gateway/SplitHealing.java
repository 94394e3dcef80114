package dev.rotagate.gateway;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import com.hazelcast.map.listener.EntryMergedListener;
import dev.rotagate.gateway.admin.GatewayMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a split heals, every member applies the shared maps again ({@code applyShared}, on the context of the
 * event-bus consumers, so never beside them): what the other side did meanwhile arrives then. Also logs members
 * joining and leaving.
 */
final class SplitHealing {

    private static final Logger LOG = LoggerFactory.getLogger("cluster");
    /** Quiet time after the last merge event before the maps are applied again: one re-read per merge. */
    private static final long RECONCILE_QUIET_MILLIS = 1_000;
    /**
     * After a merge, Vert.x re-registers the event-bus consumers a moment after Hazelcast reports the members; a change
     * published in between reaches the maps but not every member. One more pass this much later picks it up.
     */
    private static final long SECOND_PASS_MILLIS = 10_000;

    private final Vertx vertx;
    private final Context context;
    private final HazelcastInstance hazelcast;
    private final Supplier<Future<String>> applyShared;
    private final GatewayMetrics metrics;
    private final AtomicBoolean reconcileScheduled = new AtomicBoolean();
    private final AtomicLong lastMergeEventMillis = new AtomicLong();

    SplitHealing(Vertx vertx, Context context, HazelcastInstance hazelcast, Supplier<Future<String>> applyShared,
                 GatewayMetrics metrics) {
        this.vertx = vertx;
        this.context = context;
        this.hazelcast = hazelcast;
        this.applyShared = applyShared;
        this.metrics = metrics;
    }

    /**
     * Logs members coming and going, and applies the shared maps again after a split heals: on the side that merged
     * into the other (Hazelcast's MERGED), and on the side that received its entries (merge events on the maps).
     */
    void watch() {
        hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent e) {
                LOG.info("cluster: member {} joined; {} member(s)", e.getMember().getAddress(), e.getMembers().size());
            }

            @Override
            public void memberRemoved(MembershipEvent e) {
                LOG.warn("cluster: member {} left or was lost; {} member(s); shared entries stay (each has a backup)",
                        e.getMember().getAddress(), e.getMembers().size());
            }
        });
        hazelcast.getLifecycleService().addLifecycleListener(e -> {
            if (e.getState() == LifecycleState.MERGED) {
                reconcileSoon("this member merged back into the cluster after a split");
            }
        });
        EntryMergedListener<Object, Object> merged = e -> reconcileSoon("entries merged after a split");
        for (SharedKind kind : SharedKind.values()) {
            hazelcast.getMap(kind.address).addEntryListener(merged, false);
        }
    }

    /** One reconciliation per merge: after the merge events have been quiet for a second (a merge brings one per entry). */
    private void reconcileSoon(String why) {
        lastMergeEventMillis.set(System.currentTimeMillis());
        if (reconcileScheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> reconcileWhenQuiet(why));
        }
    }

    private void reconcileWhenQuiet(String why) {
        long quietFor = System.currentTimeMillis() - lastMergeEventMillis.get();
        if (quietFor < RECONCILE_QUIET_MILLIS) {
            vertx.setTimer(RECONCILE_QUIET_MILLIS - quietFor, t -> reconcileWhenQuiet(why));
            return;
        }
        reconcileScheduled.set(false);
        applyShared.get().onComplete(ar -> {
            if (ar.succeeded()) {
                metrics.clusterEvent("reconcile", "received");
                LOG.info("cluster: reconciled ({}): {}", why, ar.result());
                vertx.setTimer(SECOND_PASS_MILLIS, t -> applyShared.get().onSuccess(found -> LOG.info(
                        "cluster: reconciled again {} s after a split, for changes made while it healed: {}",
                        SECOND_PASS_MILLIS / 1000, found)));
            } else {
                LOG.warn("cluster: could not read the shared maps after a split ({}); trying again", ar.cause().toString());
                vertx.setTimer(5_000, t -> reconcileSoon(why));
            }
        });
    }
}
