package dev.rotagate.gateway;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.rotagate.config.GatewayConfig;
import dev.rotagate.config.PoolConfig;
import dev.rotagate.config.ServerConfig;
import dev.rotagate.gateway.forward.AccessLog;
import dev.rotagate.gateway.forward.Admission;
import dev.rotagate.gateway.forward.Dispatcher;
import dev.rotagate.gateway.forward.GatewayContext;
import dev.rotagate.gateway.forward.OwnEndpoints;
import dev.rotagate.gateway.forward.RetryBudget;
import dev.rotagate.gateway.forward.Router;
import dev.rotagate.gateway.forward.TargetPolicy;
import dev.rotagate.gateway.forward.TargetResolver;
import dev.rotagate.gateway.frontend.ClientAuthenticator;
import dev.rotagate.health.HealthChecker;
import dev.rotagate.health.Prober;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.UpstreamPool;
import dev.rotagate.pool.connect.Dialer;
import dev.rotagate.pool.connect.HttpConnections;
import dev.rotagate.pool.resilience.DomainBans;
import dev.rotagate.pool.resilience.UpstreamState;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything built from one config: pools, routing, the per-request context and the health checker. A reload builds
 * the next generation from the previous one — unchanged upstreams carry over with their state, breaker, statistics
 * and sessions — and swaps it in; requests already under way finish on the generation they started with.
 */
record Generation(GatewayConfig config, List<UpstreamPool> pools, GatewayContext context, HealthChecker healthChecker) {

    /** What every generation shares: the sockets, the retry budget, bans, metrics, and the listener settings. */
    record Shared(Vertx vertx, Dialer connector, HttpConnections httpConnections, DomainBans bans,
                  RetryBudget budget, AccessLog accessLog, Ticker ticker, ServerConfig server, TargetResolver resolver,
                  OwnEndpoints ownEndpoints, Admission admission) {
    }

    static Generation build(GatewayConfig config, Shared shared, Generation previous) {
        // a half-open breaker whose trial reports got lost frees its permits after one connect + handshake time
        Duration maxHalfOpen = config.timeouts().connect().plus(config.timeouts().handshake()).multipliedBy(2);
        UpstreamState initial = initialState(config);
        List<UpstreamPool> pools = new ArrayList<>();
        for (PoolConfig p : config.pools()) {
            UpstreamPool old = previous == null ? null : previous.pool(p.name());
            pools.add(UpstreamPool.fromConfig(p, config.breaker(), maxHalfOpen, shared.bans(), initial, shared.ticker(), old));
        }
        Map<String, String> userPools = new HashMap<>();
        config.auth().users().stream().filter(u -> u.pool() != null).forEach(u -> userPools.put(u.username(), u.pool()));
        shared.budget().configure(config.retry());
        shared.bans().configure(config.bans());
        shared.connector().timeouts(config.timeouts());
        shared.admission().configure(config.auth().users());
        Dispatcher dispatcher = new Dispatcher(new Router(pools, config.routes(), userPools), shared.connector(),
                shared.httpConnections(), shared.budget(), config.retry().attempts(),
                new TargetPolicy(config.targets(), shared.ownEndpoints(), shared.resolver()));
        GatewayContext context = new GatewayContext(shared.vertx(), dispatcher, shared.httpConnections(),
                new ClientAuthenticator(config.auth()), config.timeouts(), shared.server(), config.bans(), shared.bans(),
                shared.accessLog(), shared.admission());
        HealthChecker checker = config.health().enabled() ? new HealthChecker(shared.vertx(),
                new Prober(shared.vertx(), shared.connector(), shared.httpConnections(), config.health()), config.health(),
                System::currentTimeMillis, previous == null || previous.healthChecker() == null ? null
                        : previous.healthChecker()) : null;
        return new Generation(config, List.copyOf(pools), context, checker);
    }

    static UpstreamState initialState(GatewayConfig config) {
        return config.health().enabled() && config.health().probeBeforeUse() ? UpstreamState.PROBING : UpstreamState.HEALTHY;
    }

    UpstreamPool pool(String name) {
        return pools.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    /** One line per changed pool: {@code pool datacenter +2 -1 ~3 upstreams}; empty when no upstream changed. */
    List<String> diff(Generation previous) {
        List<String> lines = new ArrayList<>();
        for (UpstreamPool p : pools) {
            UpstreamPool old = previous.pool(p.name());
            if (old == null) {
                lines.add("pool " + p.name() + " new with " + p.upstreams().size() + " upstreams");
                continue;
            }
            Set<String> before = old.upstreams().stream().map(Upstream::name).collect(Collectors.toSet());
            Set<String> after = p.upstreams().stream().map(Upstream::name).collect(Collectors.toSet());
            long added = after.stream().filter(n -> !before.contains(n)).count();
            long removed = before.stream().filter(n -> !after.contains(n)).count();
            long changed = p.upstreams().stream().filter(u -> before.contains(u.name()) && old.upstream(u.name()) != u).count();
            if (added + removed + changed > 0) {
                lines.add("pool " + p.name() + " +" + added + " -" + removed + " ~" + changed + " upstreams");
            }
        }
        for (UpstreamPool old : previous.pools()) {
            if (pool(old.name()) == null) {
                lines.add("pool " + old.name() + " removed (" + old.upstreams().size() + " upstreams)");
            }
        }
        return lines;
    }
}
