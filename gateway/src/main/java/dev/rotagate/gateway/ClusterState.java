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
import io.vertx.core.shareddata.AsyncMap;
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
 * at once) and kept in a cluster-wide map (a member that joins later reads it; bans expire by the map's TTL). Each member keeps its own config, probes and
 * breakers; a member's own changes come back to it and are ignored. Every record names the member it came from
 * ({@code from}, and its cluster address {@code fromAddress}), which {@code GET /api/cluster} shows.
 *
 * <p>A partitioned member keeps working on its local view. When the split heals, Hazelcast merges the maps (a key only
 * one side has is kept; for a key both have, the later update wins) and every member applies the merged maps again:
 * what the other side did meanwhile arrives then.
 */
final class ClusterState {

    private static final Logger LOG = LoggerFactory.getLogger("cluster");
    static final String DISABLES = "rotagate.cluster.disables";
    static final String BANS = "rotagate.cluster.bans";
    static final String SESSIONS = "rotagate.cluster.sessions";
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
    private AsyncMap<String, JsonObject> disabled;
    private AsyncMap<String, JsonObject> banned;
    private AsyncMap<String, JsonObject> moved;
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
        return vertx.sharedData().<String, JsonObject>getClusterWideMap(DISABLES)
                .compose(d -> {
                    s.disabled = d;
                    return vertx.sharedData().<String, JsonObject>getClusterWideMap(BANS);
                })
                .compose(b -> {
                    s.banned = b;
                    return vertx.sharedData().<String, JsonObject>getClusterWideMap(SESSIONS);
                })
                .compose(m -> {
                    s.moved = m;
                    s.context = vertx.getOrCreateContext();
                    vertx.eventBus().<JsonObject>consumer(DISABLES, s::onDisable);
                    vertx.eventBus().<JsonObject>consumer(BANS, s::onBan);
                    vertx.eventBus().<JsonObject>consumer(SESSIONS, s::onSessionMove);
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
        JsonObject change = record().put("pool", pool).put("upstream", upstream).put("enabled", enabled);
        String key = pool + "/" + upstream;
        held.hold(HeldEntries.Kind.DISABLED, key, change);
        // an enable is a record too, not a removal: after a split, the later of the two changes wins (an absent key
        // would let the merge bring the other side's disable back)
        disabled.put(key, change).onComplete(ar -> vertx.eventBus().publish(DISABLES, change));
        metrics.clusterEvent(enabled ? "enable" : "disable", "sent");
    }

    private void banned(String upstream, String domain, long cooldownNanos) {
        long untilMillis = System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(cooldownNanos);
        JsonObject ban = record().put("upstream", upstream).put("domain", domain).put("until", untilMillis);
        held.hold(HeldEntries.Kind.BANS, upstream + "|" + domain, ban);
        banned.put(upstream + "|" + domain, ban, Math.max(1, TimeUnit.NANOSECONDS.toMillis(cooldownNanos)))
                .onComplete(ar -> vertx.eventBus().publish(BANS, ban));
        metrics.clusterEvent("ban", "sent");
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

    private void sessionMoved(String pool, String key, String upstream, long remainingNanos) {
        long ttlMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos));
        JsonObject move = record().put("pool", pool).put("session", key).put("upstream", upstream)
                .put("until", System.currentTimeMillis() + ttlMillis);
        held.hold(HeldEntries.Kind.SESSIONS, pool + "|" + key, move);
        moved.put(pool + "|" + key, move, ttlMillis).onComplete(ar -> vertx.eventBus().publish(SESSIONS, move));
        metrics.clusterEvent("session-move", "sent");
    }

    private void onSessionMove(Message<JsonObject> m) {
        if (!member.equals(m.body().getString("from"))) {
            metrics.clusterEvent("session-move", "received");
            applySessionMove(m.body());
        }
    }

    private void applySessionMove(JsonObject move) {
        if (!held.hold(HeldEntries.Kind.SESSIONS, move.getString("pool") + "|" + move.getString("session"), move)) {
            return; // a newer move of this session is in force
        }
        long remainingMillis = move.getLong("until", 0L) - System.currentTimeMillis();
        for (UpstreamPool p : pools.get()) {
            if (p.name().equals(move.getString("pool"))) {
                p.sessionMoved(move.getString("session"), move.getString("upstream"),
                        TimeUnit.MILLISECONDS.toNanos(remainingMillis));
            }
        }
    }

    private void onDisable(Message<JsonObject> m) {
        if (!member.equals(m.body().getString("from"))) {
            metrics.clusterEvent(m.body().getBoolean("enabled", false) ? "enable" : "disable", "received");
            applyDisable(m.body());
        }
    }

    private void onBan(Message<JsonObject> m) {
        if (!member.equals(m.body().getString("from"))) {
            metrics.clusterEvent("ban", "received");
            applyBan(m.body());
        }
    }

    private void applyDisable(JsonObject change) {
        if (!held.hold(HeldEntries.Kind.DISABLED, change.getString("pool") + "/" + change.getString("upstream"), change)) {
            return; // stale: a newer disable or enable of this upstream is in force
        }
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

    private void applyBan(JsonObject ban) {
        held.hold(HeldEntries.Kind.BANS, ban.getString("upstream") + "|" + ban.getString("domain"), ban);
        long remainingMillis = ban.getLong("until", 0L) - System.currentTimeMillis();
        bans.banFor(ban.getString("upstream"), ban.getString("domain"), TimeUnit.MILLISECONDS.toNanos(remainingMillis));
    }

    /** A shared record, signed with where it comes from. */
    private JsonObject record() {
        return new JsonObject().put("from", member).put("fromAddress", address).put("at", System.currentTimeMillis());
    }

    /** Applies every entry of the shared maps here (each apply is idempotent); says how many there were. */
    private Future<String> applyShared() {
        return disabled.entries().compose(ds -> banned.entries().compose(bs -> moved.entries().map(ms -> {
            ds.values().forEach(this::applyDisable);
            bs.values().forEach(this::applyBan);
            ms.values().forEach(this::applySessionMove);
            long disables = ds.values().stream().filter(d -> !d.getBoolean("enabled", false)).count();
            return disables + " disable(s), " + bs.size() + " ban(s) and " + ms.size() + " session move(s)";
        })));
    }

    /** What the report and {@code GET /api/cluster} show of the cluster. */
    ClusterView view() {
        return new ClusterView(hazelcast, member, address, held, disabled, banned, moved);
    }

    String member() {
        return member;
    }

    int memberCount() {
        return hazelcast.getCluster().getMembers().size();
    }
}
