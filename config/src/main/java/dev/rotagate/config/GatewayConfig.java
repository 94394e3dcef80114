package dev.rotagate.config;

import dev.rotagate.common.HostAndPort;
import java.nio.file.Path;
import java.util.List;

/** The whole validated config; immutable. Pools keep their file order: the first serves by default. */
public record GatewayConfig(Path source, HostAndPort listen, AuthConfig auth, List<PoolConfig> pools,
                            List<RouteConfig> routes, TimeoutsConfig timeouts, ServerConfig server,
                            BreakerConfig breaker, RetryConfig retry, BansConfig bans, HealthConfig health,
                            AdminConfig admin) {

    public GatewayConfig {
        pools = List.copyOf(pools);
        routes = List.copyOf(routes);
    }

    public PoolConfig defaultPool() {
        return pools.get(0);
    }
}
