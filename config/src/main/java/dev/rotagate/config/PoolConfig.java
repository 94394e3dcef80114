package dev.rotagate.config;

import java.util.List;

/** A named pool of upstreams and how to rotate over them. */
public record PoolConfig(String name, String strategy, List<UpstreamConfig> upstreams) {

    /** The strategies this build knows. */
    public static final List<String> STRATEGIES = List.of("round-robin");

    public PoolConfig {
        upstreams = List.copyOf(upstreams);
    }
}
