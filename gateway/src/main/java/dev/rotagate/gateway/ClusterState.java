package dev.rotagate.gateway;

import com.hazelcast.core.HazelcastInstance;
import dev.rotagate.config.ClusterConfig;
import dev.rotagate.gateway.admin.GatewayMetrics;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.UpstreamPool;
import dev.rotagate.pool.resilience.DomainBans;
import dev.rotagate.pool.resilience.UpstreamState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateways of a cluster share: operator disables (until enabled), bans per (upstream, domain) with their
 * cool-down, and sessions that moved off their upstream (until their TTL); ejections travel as hints (the others probe
 * the upstream at once, and decide for themselves). Each change is published on the event bus (every member applies it
 * at once) and kept in a cluster-wide map (a member that joins later reads it; bans expire by the map's TTL). Each
 * member keeps its own config, probes and breakers; a member's own changes come back to it and are ignored. Every record names the member it came from
 * ({@code from}, and its cluster address {@code fromAddress}), which {@code GET /api/cluster} shows.
 *
 * <p>A partitioned member keeps working on its local view. When the split heals, Hazelcast merges the maps (a key only
 * one side has is kept; for a key both have, the later update wins) and every member applies the merged maps again:
 * what the other side did meanwhile arrives then.
 */
final class ClusterState {

    private static final Logger LOG = LoggerFactory.getLogger("cluster");
    private static final String EJECTIONS = "rotagate.cluster.ejections";
    private final Vertx vertx;
    private final String member;
    private final String address;
    private final HazelcastInstance hazelcast;
    private final HeldEntries held = new HeldEntries(System::currentTimeMillis);
    private final Supplier<List<UpstreamPool>> pools;
    private final Supplier<UpstreamState> enabledState;
    private final DomainBans bans;
    private final GatewayMetrics metrics;
    /** What to do when another member ejected an upstream (probe it here at once). */
    private volatile BiConsumer<UpstreamPool, Upstream> ejectedElsewhere = (p, u) -> { };
    private SharedMaps maps;
    /** The context of the event-bus consumers: re-applying the maps runs there too, never beside them. */
    private Context context;

    private ClusterState(Vertx vertx, ClusterConfig config, Supplier<List<UpstreamPool>> pools,
                         Supplier<UpstreamState> enabledState, DomainBans bans, GatewayMetrics metrics) {
        this.vertx = vertx;
        this.metrics = metrics;
        HazelcastClusterManager manager = (HazelcastClusterManager) ((VertxInternal) vertx).clusterManager();
        this.member = manager.getNodeId();
        this.hazelcast = manager.getHazelcastInstance();
        this.address = config.bind().toString();
        this.pools = pools;
        this.enabledState = enabledState;
        this.bans = bans;
    }

    /** Joins the shared state: applies what the cluster already holds, then follows its changes. */
    static Future<ClusterState> start(Vertx vertx, ClusterConfig config, Supplier<List<UpstreamPool>> pools,
                                      Supplier<UpstreamState> enabledState, DomainBans bans, GatewayMetrics metrics) {
        ClusterState s = new ClusterState(vertx, config, pools, enabledState, bans, metrics);
        return SharedMaps.open(vertx)
                .compose(maps -> {
                    s.maps = maps;
                    s.context = vertx.getOrCreateContext();
                    for (SharedKind kind : SharedKind.values()) {
                        vertx.eventBus().<JsonObject>consumer(kind.address, m -> s.received(kind, m.body()));
                    }
                    vertx.eventBus().<JsonObject>consumer(EJECTIONS, s::onEjection);
                    s.follow(pools.get());
                    bans.onBan(s::banned);
                    new SplitHealing(vertx, s.context, s.hazelcast, s::applyShared, metrics).watch();
                    metrics.clusterMembers(s::memberCount);
                    return s.applyShared();
                })
                .map(found -> {
                    LOG.info("cluster: member {} ({}) of {} member(s); received {}", s.member, s.address, s.memberCount(),
                            found);
                    if (s.memberCount() == 1 && config.members().stream().anyMatch(m -> !m.equals(config.bind()))) {
                        LOG.info("cluster: alone so far in '{}': none of the listed members {} has accepted this member"
                                + " yet (not started, down, or refusing it: see any 'refused' line above)",
                                config.name(), config.members());
                    }
                    return s;
                });
    }

    /** An operator's disable or enable here: every member follows. */
    void announce(String pool, String upstream, boolean enabled) {
        // an enable is a record too, not a removal: after a split, the later of the two changes wins (an absent key
        // would let the merge bring the other side's disable back)
        share(SharedKind.DISABLED, record().put("pool", pool).put("upstream", upstream).put("enabled", enabled), 0);
    }

    private void banned(String upstream, String domain, long cooldownNanos) {
        long ttlMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(cooldownNanos));
        share(SharedKind.BANS, record().put("upstream", upstream).put("domain", domain)
                .put("until", System.currentTimeMillis() + ttlMillis), ttlMillis);
    }

    private void sessionMoved(String pool, String key, String upstream, long remainingNanos) {
        long ttlMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos));
        share(SharedKind.SESSIONS, record().put("pool", pool).put("session", key).put("upstream", upstream)
                .put("until", System.currentTimeMillis() + ttlMillis), ttlMillis);
    }

    /** A change made here: held, kept in its map ({@code ttlMillis} 0: until replaced), then published. */
    private void share(SharedKind kind, JsonObject record, long ttlMillis) {
        String key = kind.key(record);
        held.hold(kind, key, record);
        (ttlMillis > 0 ? maps.of(kind).put(key, record, ttlMillis) : maps.of(kind).put(key, record))
                .onComplete(ar -> vertx.eventBus().publish(kind.address, record));
        metrics.clusterEvent(metricKind(kind, record), "sent");
    }

    /** A change published by a member; this member's own come back too and are ignored. */
    private void received(SharedKind kind, JsonObject record) {
        if (!member.equals(record.getString("from"))) {
            metrics.clusterEvent(metricKind(kind, record), "received");
            apply(kind, record);
        }
    }

    private static String metricKind(SharedKind kind, JsonObject record) {
        return switch (kind) {
            case DISABLED -> record.getBoolean("enabled", false) ? "enable" : "disable";
            case BANS -> "ban";
            case SESSIONS -> "session-move";
        };
    }

    /** Hears the session moves of {@code current} pools: at start and after every reload (a reload builds new pools). */
    void follow(List<UpstreamPool> current) {
        for (UpstreamPool p : current) {
            p.onSessionMove(this::sessionMoved);
            p.states().onEjection((u, why) -> {
                vertx.eventBus().publish(EJECTIONS, record().put("pool", p.name()).put("upstream", u.name())
                        .put("reason", why));
                metrics.clusterEvent("ejection", "sent");
            });
        }
    }

    /** Ejections elsewhere are hints, not verdicts: this member looks for itself ({@code action}). */
    void onEjectedElsewhere(BiConsumer<UpstreamPool, Upstream> action) {
        this.ejectedElsewhere = action;
    }

    private void onEjection(Message<JsonObject> m) {
        JsonObject e = m.body();
        if (member.equals(e.getString("from"))) {
            return;
        }
        metrics.clusterEvent("ejection", "received");
        for (UpstreamPool p : pools.get()) {
            Upstream u = p.name().equals(e.getString("pool")) ? p.upstream(e.getString("upstream")) : null;
            if (u != null && u.health().state() == UpstreamState.HEALTHY) {
                LOG.info("cluster: member {} ejected {}/{} ({}): probing it here", e.getString("from"), p.name(), u.name(),
                        e.getString("reason"));
                ejectedElsewhere.accept(p, u);
            }
        }
    }

    /**
     * Applies a record made elsewhere, unless it is stale: older than the one held for its key (a snapshot read while a
     * newer change arrived). A ban is applied anyway: bans merge by the longest, so an older one cannot undo anything.
     */
    private void apply(SharedKind kind, JsonObject record) {
        boolean newest = held.hold(kind, kind.key(record), record);
        switch (kind) {
            case DISABLED -> {
                if (newest) {
                    applyDisable(record);
                }
            }
            case BANS -> bans.banFor(record.getString("upstream"), record.getString("domain"), remainingNanos(record));
            case SESSIONS -> {
                if (newest) {
                    pools.get().stream().filter(p -> p.name().equals(record.getString("pool"))).forEach(p ->
                            p.sessionMoved(record.getString("session"), record.getString("upstream"), remainingNanos(record)));
                }
            }
        }
    }

    private static long remainingNanos(JsonObject record) {
        return TimeUnit.MILLISECONDS.toNanos(record.getLong("until", 0L) - System.currentTimeMillis());
    }

    private void applyDisable(JsonObject change) {
        String from = change.getString("from");
        for (UpstreamPool p : pools.get()) {
            Upstream u = p.name().equals(change.getString("pool")) ? p.upstream(change.getString("upstream")) : null;
            if (u == null) {
                continue;
            }
            if (!change.getBoolean("enabled", false)) {
                p.states().transition(u, UpstreamState.DISABLED, "disabled through the admin API of cluster member " + from);
            } else if (u.health().state() == UpstreamState.DISABLED) {
                p.states().transition(u, enabledState.get(), "enabled through the admin API of cluster member " + from);
            }
        }
    }

    /** A shared record, signed with where it comes from. */
    private JsonObject record() {
        return new JsonObject().put("from", member).put("fromAddress", address).put("at", System.currentTimeMillis());
    }

    /** Applies every entry of the shared maps here (each apply is idempotent); says how many there were. */
    private Future<String> applyShared() {
        return maps.read().map(all -> {
            all.forEach((kind, entries) -> entries.values().forEach(r -> apply(kind, r)));
            long disables = all.get(SharedKind.DISABLED).values().stream().filter(d -> !d.getBoolean("enabled", false))
                    .count();
            return disables + " disable(s), " + all.get(SharedKind.BANS).size() + " ban(s) and "
                    + all.get(SharedKind.SESSIONS).size() + " session move(s)";
        });
    }

    /** What the report and {@code GET /api/cluster} show of the cluster. */
    ClusterView view() {
        return new ClusterView(hazelcast, member, address, held, maps);
    }

    int memberCount() {
        return hazelcast.getCluster().getMembers().size();
    }
}
