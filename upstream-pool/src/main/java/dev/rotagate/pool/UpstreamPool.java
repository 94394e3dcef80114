package dev.rotagate.pool;

import dev.rotagate.config.PoolConfig;
import dev.rotagate.pool.select.RotationStrategy;
import dev.rotagate.pool.select.UpstreamSelector;
import java.util.List;
import java.util.Optional;

/** A named group of upstreams and the selector that rotates over them. */
public final class UpstreamPool {

    private final String name;
    private final List<Upstream> upstreams;
    private final UpstreamSelector selector;

    public UpstreamPool(String name, List<Upstream> upstreams, RotationStrategy strategy) {
        this.name = name;
        this.upstreams = List.copyOf(upstreams);
        this.selector = strategy.newSelector(this.upstreams);
    }

    public static UpstreamPool fromConfig(PoolConfig config) {
        List<Upstream> members = config.upstreams().stream().map(Upstream::new).toList();
        return new UpstreamPool(config.name(), members, RotationStrategy.of(config.strategy()));
    }

    public String name() {
        return name;
    }

    public List<Upstream> upstreams() {
        return upstreams;
    }

    /** The next upstream by the pool's strategy; empty when the pool has none. */
    public Optional<Upstream> select() {
        return Optional.ofNullable(selector.select());
    }

    @Override
    public String toString() {
        return "pool " + name + " (" + upstreams.size() + " upstreams)";
    }
}
