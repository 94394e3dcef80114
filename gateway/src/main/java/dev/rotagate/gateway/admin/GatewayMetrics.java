package dev.rotagate.gateway.admin;

import dev.rotagate.common.FailureKind;
import dev.rotagate.config.ListenerConfig;
import dev.rotagate.gateway.forward.RetryBudget;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.UpstreamPool;
import dev.rotagate.pool.resilience.UpstreamState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Prometheus metrics. Upstream figures are read from the counters the upstreams keep anyway (function counters and
 * gauges: nothing extra on the request path); gateway-level counters are incremented once per request or tunnel.
 */
public final class GatewayMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();
    private final Counter bytesUp = Counter.builder("rotagate_client_to_upstream").baseUnit("bytes")
            .description("Bytes relayed from clients to upstreams").register(registry);
    private final Counter bytesDown = Counter.builder("rotagate_upstream_to_client").baseUnit("bytes")
            .description("Bytes relayed from upstreams to clients").register(registry);

    /** Registers the per-upstream series of these pools. */
    public void bind(List<UpstreamPool> pools) {
        for (UpstreamPool pool : pools) {
            for (Upstream u : pool.upstreams()) {
                bind(pool, u);
            }
        }
    }

    private void bind(UpstreamPool pool, Upstream u) {
        Tags tags = Tags.of("pool", pool.name(), "upstream", u.name());
        FunctionCounter.builder("rotagate_upstream_requests", u, Upstream::requests)
                .description("Requests and tunnels sent through the upstream").tags(tags).register(registry);
        for (FailureKind kind : FailureKind.values()) {
            if (kind.isProxyFault() || kind.name().startsWith("TARGET")) {
                FunctionCounter.builder("rotagate_upstream_failures", u, x -> x.health().failures(kind))
                        .description("Failures through the upstream by kind").tags(tags.and("kind", kind.code())).register(registry);
            }
        }
        Gauge.builder("rotagate_upstream_in_flight", u, Upstream::inFlight)
                .description("Requests and tunnels in flight").tags(tags).register(registry);
        for (UpstreamState state : UpstreamState.values()) {
            Gauge.builder("rotagate_upstream_state", u, x -> x.health().state() == state ? 1 : 0)
                    .description("1 for the upstream's current state").tags(tags.and("state", state.name())).register(registry);
        }
        Gauge.builder("rotagate_upstream_circuit_open", u, x -> x.health().breaker().getState().name().equals("OPEN") ? 1 : 0)
                .description("1 while the upstream's circuit breaker is open").tags(tags).register(registry);
        FunctionCounter.builder("rotagate_upstream_received", u, Upstream::bytesIn).baseUnit("bytes")
                .description("Bytes received from the upstream").tags(tags).register(registry);
        FunctionCounter.builder("rotagate_upstream_sent", u, Upstream::bytesOut).baseUnit("bytes")
                .description("Bytes sent to the upstream").tags(tags).register(registry);
        Timer latency = Timer.builder("rotagate_upstream_connect_latency")
                .description("Connect + handshake time through the upstream").tags(tags)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        u.latencyObserver(nanos -> latency.record(nanos, TimeUnit.NANOSECONDS));
    }

    private final AtomicInteger lastReloadOk = new AtomicInteger(1);

    {
        Gauge.builder("rotagate_config_last_reload_ok", lastReloadOk, AtomicInteger::get)
                .description("1 when the last config (re)load was applied, 0 when it was rejected").register(registry);
    }

    /** A config load or reload: applied, or rejected (the running config stays). */
    public void configReload(boolean applied) {
        lastReloadOk.set(applied ? 1 : 0);
        Counter.builder("rotagate_config_reloads").description("Config loads by result")
                .tag("result", applied ? "applied" : "rejected").register(registry).increment();
    }

    /** {@code rotagate_cluster_members}: the members this one sees now (alert when it is below the fleet's size). */
    public void clusterMembers(IntSupplier members) {
        Gauge.builder("rotagate_cluster_members", members, IntSupplier::getAsInt)
                .description("Members of the cluster this gateway sees, itself included").strongReference(true)
                .register(registry);
    }

    /**
     * A cluster event: {@code kind} disable, enable, ban, session-move, ejection or reconcile; {@code direction} sent (made here)
     * or received (from another member).
     */
    public void clusterEvent(String kind, String direction) {
        Counter.builder("rotagate_cluster_events").description("Shared state sent to and received from the cluster")
                .tag("kind", kind).tag("direction", direction).register(registry).increment();
    }

    private final UserMetrics users = new UserMetrics(registry);
    private final ListenerMetrics listeners = new ListenerMetrics(registry);

    /** The figures of the listener {@code name}, made (and its series registered) when first asked for. */
    public ListenerStats listener(String name) {
        return listeners.stats(name);
    }

    /** The listeners part of {@code /api/report}: each one's config, bound ports and figures. */
    public JsonArray listenersReport(List<ListenerConfig> configured, Map<String, List<Integer>> boundPorts) {
        return listeners.report(configured, boundPorts);
    }

    /** Retries on another upstream: started, and refused because the retry budget was used up. */
    public void retryBudget(RetryBudget budget) {
        FunctionCounter.builder("rotagate_retries", budget, RetryBudget::started)
                .description("Requests and tunnels retried on another upstream, by outcome").tag("outcome", "started")
                .register(registry);
        FunctionCounter.builder("rotagate_retries", budget, RetryBudget::refused)
                .description("Requests and tunnels retried on another upstream, by outcome").tag("outcome", "budget-exhausted")
                .register(registry);
    }

    /** Access-log lines dropped because the writer could not keep up. */
    public void accessLogDropped(LongSupplier dropped) {
        FunctionCounter.builder("rotagate_access_log_dropped", dropped, LongSupplier::getAsLong)
                .description("Access-log lines dropped because the writer could not keep up").register(registry);
    }

    /** The configured users, who get series of their own (a reload may change them). */
    public void users(Set<String> names) {
        users.configure(names);
    }

    /** One finished request or tunnel, as the access log sees it. */
    public void requestDone(String protocol, String user, long up, long down, String errorKind) {
        users.done(user, !protocol.equals("http"), up, down, errorKind);
        requests.computeIfAbsent(protocol, p -> Counter.builder("rotagate_requests").description(
                "Requests and tunnels by client protocol").tag("protocol", p).register(registry)).increment();
        bytesUp.increment(up);
        bytesDown.increment(down);
        if (errorKind != null) {
            errors.computeIfAbsent(errorKind, k -> Counter.builder("rotagate_errors").description(
                    "Requests and tunnels that ended in an error, by kind").tag("kind", k).register(registry)).increment();
        }
    }

    /** Totals since start, for the status page's rates: requests and tunnels, errors by kind, bytes each way. */
    public JsonObject traffic() {
        JsonObject byKind = new JsonObject();
        errors.forEach((kind, c) -> byKind.put(kind, (long) c.count()));
        long total = 0;
        for (Counter c : requests.values()) {
            total += (long) c.count();
        }
        return new JsonObject().put("requests", total).put("errors", byKind)
                .put("bytesUp", (long) bytesUp.count()).put("bytesDown", (long) bytesDown.count());
    }

    /** Prometheus text exposition format. */
    public String scrape() {
        return registry.scrape();
    }
}
