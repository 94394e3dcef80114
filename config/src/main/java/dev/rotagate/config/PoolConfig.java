package dev.rotagate.config;

import java.time.Duration;
import java.util.List;

/** A named pool of upstreams, how to rotate over them, and how long a session sticks to one. */
public record PoolConfig(String name, String strategy, List<UpstreamConfig> upstreams, Duration sessionTtl) {

    /** The strategies this build knows. */
    public static final List<String> STRATEGIES = List.of("round-robin", "weighted", "random", "least-connections",
            "least-latency");
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofMinutes(10);

    public PoolConfig {
        upstreams = List.copyOf(upstreams);
    }

    public PoolConfig(String name, String strategy, List<UpstreamConfig> upstreams) {
        this(name, strategy, upstreams, DEFAULT_SESSION_TTL);
    }
}
