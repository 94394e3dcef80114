package dev.rotagate.gateway.forward;

import dev.rotagate.pool.UpstreamPool;
import java.util.List;

/** Chooses the pool for a request. Today: the first configured pool serves every request. */
public final class Router {

    private final List<UpstreamPool> pools;

    public Router(List<UpstreamPool> pools) {
        if (pools.isEmpty()) {
            throw new IllegalArgumentException("pools: empty (expected: at least one)");
        }
        this.pools = List.copyOf(pools);
    }

    public UpstreamPool route(ProxyRequest request) {
        return pools.get(0);
    }

    public List<UpstreamPool> pools() {
        return pools;
    }
}
