package dev.rotagate.config;

import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.UpstreamScheme;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole validated config; immutable. Pools keep their file order: the first serves by default.
 * {@code listFiles} are the upstream list files it was read from (watched for changes like the file itself);
 * {@code skippedLines} the bad list-file lines that lenient pools skipped.
 */
public record GatewayConfig(Path source, List<ListenerConfig> listeners, AuthConfig auth, List<PoolConfig> pools,
                            List<RouteConfig> routes, TimeoutsConfig timeouts, ServerConfig server,
                            BreakerConfig breaker, RetryConfig retry, BansConfig bans, HealthConfig health,
                            AdminConfig admin, TargetsConfig targets, LogConfig log, List<Path> listFiles,
                            List<ConfigProblem> skippedLines, ClusterConfig cluster) {

    public GatewayConfig {
        listeners = List.copyOf(listeners);
        pools = List.copyOf(pools);
        routes = List.copyOf(routes);
        listFiles = List.copyOf(listFiles);
        skippedLines = List.copyOf(skippedLines);
    }

    public GatewayConfig(Path source, List<ListenerConfig> listeners, AuthConfig auth, List<PoolConfig> pools,
                         List<RouteConfig> routes, TimeoutsConfig timeouts, ServerConfig server, BreakerConfig breaker, RetryConfig retry, BansConfig bans,
                         HealthConfig health, AdminConfig admin, TargetsConfig targets, LogConfig log) {
        this(source, listeners, auth, pools, routes, timeouts, server, breaker, retry, bans, health, admin, targets, log, List.of(),
                List.of(), null);
    }

    /** As this config, in a cluster ({@code null}: none). */
    public GatewayConfig withCluster(ClusterConfig clusterConfig) {
        return new GatewayConfig(source, listeners, auth, pools, routes, timeouts, server, breaker, retry, bans, health,
                admin, targets, log, listFiles, skippedLines, clusterConfig);
    }

    /** The main listener's address: the first entry of {@code listen}. */
    public HostAndPort listen() {
        return listeners.get(0).address();
    }

    public PoolConfig defaultPool() {
        return pools.get(0);
    }

    /** Every file the config was read from: the config file and its list files. */
    public List<Path> files() {
        List<Path> all = new ArrayList<>();
        all.add(source);
        all.addAll(listFiles);
        return all;
    }

    GatewayConfig withSources(List<Path> listFiles, List<ConfigProblem> skippedLines) {
        return new GatewayConfig(source, listeners, auth, pools, routes, timeouts, server, breaker, retry, bans, health, admin,
                targets, log, listFiles, skippedLines, cluster);
    }

    /** {@code pool/upstream} of every https:// upstream whose certificate is not checked ({@code insecure: true}). */
    public List<String> insecureUpstreams() {
        List<String> out = new ArrayList<>();
        for (PoolConfig p : pools) {
            for (UpstreamConfig u : p.upstreams()) {
                if (u.url().scheme() == UpstreamScheme.HTTPS && u.tls().insecure()) {
                    out.add(p.name() + "/" + u.name());
                }
            }
        }
        return out;
    }
}
