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
 * host glob matches the target (with that route's tags), else the first pool. A hint naming an unknown pool, or tags no upstream of the pool
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
        UpstreamPool pool = null;
        if (hints.pool().isPresent()) {
            pool = pools.get(hints.pool().get());
            if (pool == null) {
                throw new GatewayError(FailureKind.UNKNOWN_ROUTE, "unknown pool '" + hints.pool().get()
                        + "' (pools: " + String.join(", ", pools.keySet()) + ")");
            }
        }
        List<String> tags = hints.tags();
        if (hints.pool().isEmpty()) {
            RouteConfig rule = userPools.containsKey(hints.user()) ? null : matchingRoute(request.target().host());
            pool = userPools.containsKey(hints.user()) ? pools.get(userPools.get(hints.user()))
                    : rule != null ? pools.get(rule.pool()) : defaultPool;
            if (rule != null && !rule.tags().isEmpty()) {
                tags = union(rule.tags(), tags); // the route's tags, plus any the client asked for
            }
        }
        if (!pool.hasUpstreamWithTags(tags)) {
            throw new GatewayError(FailureKind.UNKNOWN_ROUTE, "no upstream in pool " + pool.name()
                    + " carries the tags " + tags);
        }
        return new Route(pool, tags, hints.session().orElse(null));
    }

    private RouteConfig matchingRoute(String host) {
        for (RouteConfig r : routes) {
            if (r.matches(host)) {
                return r;
            }
        }
        return null;
    }

    private static List<String> union(List<String> a, List<String> b) {
        List<String> out = new java.util.ArrayList<>(a);
        b.stream().filter(t -> !out.contains(t)).forEach(out::add);
        return out;
    }

    public List<UpstreamPool> pools() {
        return List.copyOf(pools.values());
    }
}
