package dev.rotagate.config;

import dev.rotagate.common.HostAndPort;
import java.util.List;

/**
 * {@code cluster:}: the gateways of one fleet. Instances with the same {@code name} and {@code secret} form one
 * cluster (Vert.x on Hazelcast, embedded); {@code bind} is this member's address, {@code members} the addresses it
 * joins over TCP (no multicast). The secret never shows.
 */
public record ClusterConfig(String name, HostAndPort bind, List<HostAndPort> members, String secret) {

    public ClusterConfig {
        members = List.copyOf(members);
    }

    @Override
    public String toString() {
        return "ClusterConfig[name=" + name + ", bind=" + bind + ", members=" + members + ", secret=****]";
    }
}
