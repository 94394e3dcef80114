package dev.rotagate.gateway.admin;

import dev.rotagate.config.ListenerConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Per-listener series ({@code listener} label) and the listeners part of {@code /api/report}. */
final class ListenerMetrics {

    private final MeterRegistry registry;
    private final Map<String, ListenerStats> byName = new ConcurrentHashMap<>();

    ListenerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The figures of the listener {@code name}; a listener a reload brings back continues its series. */
    ListenerStats stats(String name) {
        return byName.computeIfAbsent(name, this::register);
    }

    private ListenerStats register(String name) {
        ListenerStats s = new ListenerStats(name);
        FunctionCounter.builder("rotagate_listener_connections", s, ListenerStats::accepted)
                .description("Client connections accepted, by listener").tag("listener", name).register(registry);
        Gauge.builder("rotagate_listener_open_connections", s, ListenerStats::open)
                .description("Client connections open now, by listener").tag("listener", name).register(registry);
        FunctionCounter.builder("rotagate_listener_requests", s, ListenerStats::requests)
                .description("Requests and tunnels finished, by listener").tag("listener", name).register(registry);
        FunctionCounter.builder("rotagate_listener_errors", s, ListenerStats::errors)
                .description("Requests and tunnels that ended in an error, by listener (not counted: refusals before routing, such as 407)").tag("listener", name)
                .register(registry);
        return s;
    }

    JsonArray report(List<ListenerConfig> listeners, Map<String, List<Integer>> boundPorts) {
        JsonArray out = new JsonArray();
        for (ListenerConfig l : listeners) {
            JsonObject row = new JsonObject().put("name", l.name()).put("address", l.describe())
                    .put("ports", new JsonArray(boundPorts.getOrDefault(l.name(), List.of())))
                    .put("session", l.sessionPerPort() ? "port" : "none").put("user", l.user()).put("pool", l.pool())
                    .put("tags", new JsonArray(l.tags()));
            out.add(row.mergeIn(stats(l.name()).json()));
        }
        return out;
    }
}
