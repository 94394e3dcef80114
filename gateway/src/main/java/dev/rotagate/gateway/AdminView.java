package dev.rotagate.gateway;

import dev.rotagate.gateway.admin.AdminServer;
import dev.rotagate.health.HealthReport;
import dev.rotagate.pool.UpstreamPool;
import dev.rotagate.pool.resilience.UpstreamState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** What the admin API sees of a gateway: always its current generation, reload status and cluster. */
final class AdminView implements AdminServer.Gateway {

    private final GatewayServer gateway;

    AdminView(GatewayServer gateway) {
        this.gateway = gateway;
    }

    @Override
    public List<UpstreamPool> pools() {
        return gateway.current().pools();
    }

    @Override
    public HealthReport report() {
        return gateway.report();
    }

    @Override
    public UpstreamState enabledState() {
        return Generation.initialState(gateway.current().config());
    }

    @Override
    public JsonObject configStatus() {
        return gateway.reloadStatus().json();
    }

    @Override
    public boolean draining() {
        return gateway.connections().draining();
    }

    @Override
    public int tunnels() {
        return gateway.connections().tunnels();
    }

    @Override
    public void announceEnabled(String pool, String upstream, boolean enabled) {
        ClusterState c = gateway.clusterState();
        if (c != null) {
            c.announce(pool, upstream, enabled);
        }
    }

    @Override
    public JsonObject cluster() {
        ClusterState c = gateway.clusterState();
        return c == null ? null : c.view().report();
    }

    @Override
    public Future<JsonObject> clusterEntries(int limit) {
        ClusterState c = gateway.clusterState();
        return c == null ? Future.succeededFuture() : c.view().entries(limit);
    }

    @Override
    public JsonArray listeners() {
        return gateway.metrics().listenersReport(gateway.listeners().configs(), gateway.listeners().ports());
    }
}
