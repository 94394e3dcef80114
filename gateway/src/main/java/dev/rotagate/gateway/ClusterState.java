package dev.rotagate.gateway;

import dev.rotagate.config.ClusterConfig;
import dev.rotagate.gateway.admin.GatewayMetrics;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.UpstreamPool;
import dev.rotagate.pool.resilience.DomainBans;
import dev.rotagate.pool.resilience.UpstreamState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.shareddata.AsyncMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateways of a cluster share: operator disables (until enabled), bans per (upstream, domain) with their
 * cool-down, and sessions that moved off their upstream (until their TTL); ejections travel as hints (the others probe
 * the upstream at once, and decide for themselves). Each change is published on the event bus (every member applies it at once) and kept in a cluster-wide
 * map (a member that joins later reads it; bans expire by the map's TTL). Each member keeps its own config, probes and
 * breakers; a member's own changes come back to it and are ignored.
 */
final class ClusterState {

    private static final Logger LOG = LoggerFactory.getLogger("cluster");
    private static final String DISABLES = "rotagate.cluster.disables";
    private static final String BANS = "rotagate.cluster.bans";
    private static final String SESSIONS = "rotagate.cluster.sessions";
    private static final String EJECTIONS = "rotagate.cluster.ejections";

    private final Vertx vertx;
    private final String member;
    private final Supplier<List<UpstreamPool>> pools;
    private final Supplier<UpstreamState> enabledState;
    private final DomainBans bans;
    private final GatewayMetrics metrics;
    /** What to do when another member ejected an upstream (probe it here at once). */
    private volatile BiConsumer<UpstreamPool, Upstream> ejectedElsewhere = (p, u) -> { };
    private AsyncMap<String, JsonObject> disabled;
    private AsyncMap<String, JsonObject> banned;
    private AsyncMap<String, JsonObject> moved;

    private ClusterState(Vertx vertx, Supplier<List<UpstreamPool>> pools, Supplier<UpstreamState> enabledState,
                         DomainBans bans, GatewayMetrics metrics) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.member = ((VertxInternal) vertx).clusterManager().getNodeId();
        this.pools = pools;
        this.enabledState = enabledState;
        this.bans = bans;
    }

    /** Joins the shared state: applies what the cluster already holds, then follows its changes. */
    static Future<ClusterState> start(Vertx vertx, ClusterConfig config, Supplier<List<UpstreamPool>> pools,
                                      Supplier<UpstreamState> enabledState, DomainBans bans, GatewayMetrics metrics) {
        ClusterState s = new ClusterState(vertx, pools, enabledState, bans, metrics);
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
                    vertx.eventBus().<JsonObject>consumer(DISABLES, s::onDisable);
                    vertx.eventBus().<JsonObject>consumer(BANS, s::onBan);
                    vertx.eventBus().<JsonObject>consumer(SESSIONS, s::onSessionMove);
                    vertx.eventBus().<JsonObject>consumer(EJECTIONS, s::onEjection);
                    s.follow(pools.get());
                    bans.onBan(s::banned);
                    return s.disabled.entries();
                })
                .compose(ds -> {
                    ds.values().forEach(s::applyDisable);
                    return s.banned.entries().compose(bs -> s.moved.entries().map(ms -> {
                        bs.values().forEach(s::applyBan);
                        ms.values().forEach(s::applySessionMove);
                        LOG.info("cluster: member {} of {} member(s); {} disable(s), {} ban(s) and {} session move(s)"
                                + " received", s.member, s.members().size(), ds.size(), bs.size(), ms.size());
                        if (s.members().size() == 1 && config.members().stream().anyMatch(m -> !m.equals(config.bind()))) {
                            LOG.info("cluster: alone so far in '{}': none of the listed members {} has accepted this"
                                    + " member (not started yet, down, or with another secret, which members refuse)",
                                    config.name(), config.members());
                        }
                        return s;
                    }));
                });
    }

    /** An operator's disable or enable here: every member follows. */
    void announce(String pool, String upstream, boolean enabled) {
        JsonObject change = new JsonObject().put("pool", pool).put("upstream", upstream).put("enabled", enabled)
                .put("from", member);
        String key = pool + "/" + upstream;
        (enabled ? disabled.remove(key).mapEmpty() : disabled.put(key, change))
                .onComplete(ar -> vertx.eventBus().publish(DISABLES, change));
        metrics.clusterEvent(enabled ? "enable" : "disable", "sent");
    }

    private void banned(String upstream, String domain, long cooldownNanos) {
        long untilMillis = System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(cooldownNanos);
        JsonObject ban = new JsonObject().put("upstream", upstream).put("domain", domain).put("until", untilMillis)
                .put("from", member);
        banned.put(upstream + "|" + domain, ban, Math.max(1, TimeUnit.NANOSECONDS.toMillis(cooldownNanos)))
                .onComplete(ar -> vertx.eventBus().publish(BANS, ban));
        metrics.clusterEvent("ban", "sent");
    }

    /** Hears the session moves of {@code current} pools: at start and after every reload (a reload builds new pools). */
    void follow(List<UpstreamPool> current) {
        for (UpstreamPool p : current) {
            p.onSessionMove(this::sessionMoved);
            p.states().onEjection((u, why) -> {
                vertx.eventBus().publish(EJECTIONS, new JsonObject().put("pool", p.name()).put("upstream", u.name())
                        .put("reason", why).put("from", member));
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
        JsonObject move = new JsonObject().put("pool", pool).put("session", key).put("upstream", upstream)
                .put("until", System.currentTimeMillis() + ttlMillis).put("from", member);
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
        long remainingMillis = ban.getLong("until", 0L) - System.currentTimeMillis();
        bans.banFor(ban.getString("upstream"), ban.getString("domain"), TimeUnit.MILLISECONDS.toNanos(remainingMillis));
    }

    /** Members now, for the report. */
    List<String> members() {
        return ((VertxInternal) vertx).clusterManager().getNodes();
    }

    String member() {
        return member;
    }
}
