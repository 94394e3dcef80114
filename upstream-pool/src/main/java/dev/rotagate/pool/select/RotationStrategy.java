package dev.rotagate.pool.select;

import dev.rotagate.pool.Upstream;
import java.util.List;

/**
 * A stateless strategy that makes a selector over an immutable snapshot of candidates
 * (Armeria's EndpointSelectionStrategy → EndpointSelector).
 */
@FunctionalInterface
public interface RotationStrategy {

    UpstreamSelector newSelector(List<Upstream> candidates);

    static RotationStrategy roundRobin() {
        return RoundRobinStrategy.INSTANCE;
    }

    /** The strategy for a config name such as {@code round-robin}. */
    static RotationStrategy of(String name) {
        if (name.equals("round-robin")) {
            return roundRobin();
        }
        throw new IllegalArgumentException("strategy: " + name + " (expected: round-robin)");
    }
}
