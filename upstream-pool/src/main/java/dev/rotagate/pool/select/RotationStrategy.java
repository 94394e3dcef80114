package dev.rotagate.pool.select;

import dev.rotagate.pool.Upstream;
import java.util.List;

/**
 * A stateless strategy that makes a selector over an immutable snapshot of candidates
 * (Armeria's EndpointSelectionStrategy → EndpointSelector). Selectors never lock and allocate nothing per pick.
 */
@FunctionalInterface
public interface RotationStrategy {

    /** The strategy names the config accepts. */
    List<String> NAMES = dev.rotagate.config.PoolConfig.STRATEGIES;

    UpstreamSelector newSelector(List<Upstream> candidates);

    /** Each upstream in turn. */
    static RotationStrategy roundRobin() {
        return RoundRobinStrategy.INSTANCE;
    }

    /** Smooth weighted round-robin (nginx): weight 3 gets three turns in every cycle, spread out. */
    static RotationStrategy weighted() {
        return WeightedRoundRobinStrategy.INSTANCE;
    }

    static RotationStrategy random() {
        return RandomStrategy.INSTANCE;
    }

    /** Power of two choices on requests in flight. */
    static RotationStrategy leastConnections() {
        return PowerOfTwoChoicesStrategy.LEAST_CONNECTIONS;
    }

    /** Power of two choices on the moving average of connect + handshake latency. */
    static RotationStrategy leastLatency() {
        return PowerOfTwoChoicesStrategy.LEAST_LATENCY;
    }

    /** The strategy for a config name such as {@code round-robin}. */
    static RotationStrategy of(String name) {
        return switch (name) {
            case "round-robin" -> roundRobin();
            case "weighted" -> weighted();
            case "random" -> random();
            case "least-connections" -> leastConnections();
            case "least-latency" -> leastLatency();
            default -> throw new IllegalArgumentException("strategy: " + name + " (expected: " + String.join(", ", NAMES) + ")");
        };
    }
}
