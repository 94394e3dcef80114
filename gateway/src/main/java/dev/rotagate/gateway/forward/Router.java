package dev.rotagate.gateway.forward;

import dev.rotagate.common.FailureKind;
import dev.rotagate.common.RoutingHints;
import dev.rotagate.config.RouteConfig;
import dev.rotagate.pool.UpstreamPool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses the pool for a request: the {@code -pool-} hint, else the user's default pool, else the first route whose
 * host glob matches the target, else the first pool. A hint naming an unknown pool, or tags no upstream of the pool
 * carries, is refused — never silently ignored.
 */
public final class Router {

    /** Where a request goes: a pool, the tags its upstream must carry, and its session (null: none). */
    public record Route(UpstreamPool pool, List<String> tags, String session) {
    }

    private final Map<String, UpstreamPool> pools = new LinkedHashMap<>();
    private final List<RouteConfig> routes;
    private final Map<String, String> userPools;
    private final UpstreamPool defaultPool;

    public Router(List<UpstreamPool> pools, List<RouteConfig> routes, Map<String, String> userPools) {
        if (pools.isEmpty()) {
            throw new IllegalArgumentException("pools: empty (expected: at least one)");
        }
        pools.forEach(p -> this.pools.put(p.name(), p));
        this.routes = List.copyOf(routes);
        this.userPools = Map.copyOf(userPools);
        this.defaultPool = pools.get(0);
    }

    public Route route(ProxyRequest request) {
        RoutingHints hints = request.hints();
        UpstreamPool pool;
        if (hints.pool().isPresent()) {
            pool = pools.get(hints.pool().get());
            if (pool == null) {
                throw new GatewayError(FailureKind.UNKNOWN_ROUTE, "unknown pool '" + hints.pool().get()
                        + "' (pools: " + String.join(", ", pools.keySet()) + ")");
            }
        } else {
            pool = byUserOrTarget(hints.user(), request.target().host());
        }
        if (!pool.hasUpstreamWithTags(hints.tags())) {
            throw new GatewayError(FailureKind.UNKNOWN_ROUTE, "no upstream in pool " + pool.name()
                    + " carries the tags " + hints.tags());
        }
        return new Route(pool, hints.tags(), hints.session().orElse(null));
    }

    private UpstreamPool byUserOrTarget(String user, String host) {
        String userPool = userPools.get(user);
        if (userPool != null) {
            return pools.get(userPool);
        }
        for (RouteConfig r : routes) {
            if (r.matches(host)) {
                return pools.get(r.pool());
            }
        }
        return defaultPool;
    }

    public List<UpstreamPool> pools() {
        return List.copyOf(pools.values());
    }
}
