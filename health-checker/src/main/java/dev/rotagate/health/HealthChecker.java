package dev.rotagate.health;

import dev.rotagate.config.HealthConfig;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.UpstreamPool;
import dev.rotagate.pool.resilience.UpstreamState;
import dev.rotagate.pool.resilience.UpstreamStates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Probes every upstream on a schedule and feeds the results into the same state machine live traffic feeds
 * ({@link UpstreamStates}): a first good probe lets a new upstream in; a good probe re-admits one that traffic
 * ejected, {@code rise} good probes one that probes ejected; {@code fall} failed probes eject a healthy one until
 * probes pass again. Healthy upstreams are probed every {@code interval} (first ones spread over it, so 10,000
 * upstreams are not probed at once); suspect and ejected ones more often; long-dead ones backing off to
 * {@code max-backoff}. At most {@code concurrency} probes run at once.
 */
public final class HealthChecker {

    private static final long TICK_MS = 100;

    private record Due(long atMillis, Upstream upstream, UpstreamStates states) {
    }

    private final Vertx vertx;
    private final Prober prober;
    private final HealthConfig config;
    private final LongSupplier clock;
    private final PriorityQueue<Due> queue = new PriorityQueue<>((a, b) -> Long.compare(a.atMillis(), b.atMillis()));
    private final Map<Upstream, ProbeStats> stats;
    private int inFlight;
    private int maxInFlightSeen;
    private long timer = -1;

    public HealthChecker(Vertx vertx, Prober prober, HealthConfig config, LongSupplier clock) {
        this(vertx, prober, config, clock, null);
    }

    /** With the probe history of the checker it replaces (a reload), so reports keep their latencies. */
    public HealthChecker(Vertx vertx, Prober prober, HealthConfig config, LongSupplier clock, HealthChecker previous) {
        this.vertx = vertx;
        this.prober = prober;
        this.config = config;
        this.clock = clock;
        this.stats = previous == null ? new ConcurrentHashMap<>() : previous.stats;
    }

    /** Schedules every upstream of the pools: new (PROBING) ones at once, the others spread over one interval. */
    public void start(List<UpstreamPool> pools) {
        java.util.Set<Upstream> current = new java.util.HashSet<>();
        pools.forEach(p -> current.addAll(p.upstreams()));
        stats.keySet().retainAll(current); // history of removed upstreams goes
        vertx.runOnContext(v -> {
            long now = clock.getAsLong();
            long interval = config.interval().toMillis();
            for (UpstreamPool pool : pools) {
                for (Upstream u : pool.upstreams()) {
                    stats.putIfAbsent(u, new ProbeStats());
                    boolean urgent = u.health().state() == UpstreamState.PROBING;
                    long delay = urgent ? ThreadLocalRandom.current().nextLong(Math.min(interval, 500) + 1)
                            : ThreadLocalRandom.current().nextLong(interval + 1);
                    queue.add(new Due(now + delay, u, pool.states()));
                }
            }
            if (timer < 0) {
                timer = vertx.setPeriodic(TICK_MS, id -> tick());
            }
            tick();
        });
    }

    /** Probes {@code u} of {@code pool} at once instead of at its turn: another gateway of the cluster ejected it. */
    public void probeSoon(Upstream u, UpstreamStates states) {
        vertx.runOnContext(v -> {
            // its turn moves forward; a probe of it in flight now already answers, and schedules the next one
            if (queue.removeIf(d -> d.upstream() == u)) {
                queue.add(new Due(clock.getAsLong(), u, states));
                tick();
            }
        });
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /** Probe history for reports; null for an upstream never scheduled. */
    public ProbeStats stats(Upstream u) {
        return stats.get(u);
    }

    /** The most probes that were ever in flight at once (for tests and metrics). */
    public int maxInFlightSeen() {
        return maxInFlightSeen;
    }

    private void tick() {
        long now = clock.getAsLong();
        while (inFlight < config.concurrency() && !queue.isEmpty() && queue.peek().atMillis() <= now) {
            Due due = queue.poll();
            inFlight++;
            maxInFlightSeen = Math.max(maxInFlightSeen, inFlight);
            prober.probe(due.upstream()).onComplete(ar -> {
                inFlight--;
                ProbeResult r = ar.succeeded() ? ar.result() : ProbeResult.failed(String.valueOf(ar.cause()), 0);
                apply(due, r);
                queue.add(new Due(clock.getAsLong() + nextDelayMillis(due.upstream()), due.upstream(), due.states()));
            });
        }
    }

    /** The probe result as a state change. */
    private void apply(Due due, ProbeResult r) {
        Upstream u = due.upstream();
        UpstreamStates states = due.states();
        ProbeStats s = stats.computeIfAbsent(u, k -> new ProbeStats());
        s.record(r);
        UpstreamState state = u.health().state();
        if (r.ok()) {
            if (state == UpstreamState.PROBING) {
                states.transition(u, UpstreamState.HEALTHY, "first probe passed");
            } else if (state == UpstreamState.EJECTED
                    && (!u.health().ejectedByProbes() || s.okInARow() >= config.rise())) {
                states.transition(u, UpstreamState.HEALTHY, s.okInARow() + " probe(s) passed");
            }
        } else if (s.failedInARow() >= config.fall() && state == UpstreamState.HEALTHY) {
            states.ejectUntilProbed(u, s.failedInARow() + " probes failed, last: " + r.error());
        } else if (state == UpstreamState.EJECTED && s.failedInARow() >= config.fall()) {
            states.ejectUntilProbed(u, s.failedInARow() + " probes failed, last: " + r.error());
        }
    }

    private long nextDelayMillis(Upstream u) {
        long interval = config.interval().toMillis();
        ProbeStats s = stats.get(u);
        long delay;
        int failed = s == null ? 0 : s.failedInARow();
        if (failed > config.fall()) {
            // long dead: back off exponentially, so thousands of dead proxies cost little
            int doublings = Math.min(20, failed - config.fall());
            delay = Math.min(config.maxBackoff().toMillis(), Math.max(1000, interval / config.suspectFactor()) << doublings);
        } else if (failed > 0 || u.health().state() != UpstreamState.HEALTHY) {
            delay = Math.max(1000, interval / config.suspectFactor()); // suspect or out: look again soon
        } else {
            delay = interval;
        }
        long jitter = delay / 10;
        return delay - jitter + ThreadLocalRandom.current().nextLong(2 * jitter + 1);
    }

    /** Probes every upstream once, all at most {@code concurrency} at a time; for {@code rotagate health}. */
    public Future<Map<Upstream, ProbeResult>> probeOnce(List<Upstream> upstreams, java.util.function.IntConsumer progress) {
        Map<Upstream, ProbeResult> results = new ConcurrentHashMap<>();
        io.vertx.core.Promise<Map<Upstream, ProbeResult>> done = io.vertx.core.Promise.promise();
        java.util.ArrayDeque<Upstream> todo = new java.util.ArrayDeque<>(upstreams);
        int[] running = {0};
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            while (running[0] < config.concurrency() && !todo.isEmpty()) {
                Upstream u = todo.poll();
                running[0]++;
                prober.probe(u).onComplete(ar -> {
                    running[0]--;
                    ProbeResult r = ar.succeeded() ? ar.result() : ProbeResult.failed(String.valueOf(ar.cause()), 0);
                    results.put(u, r);
                    stats.computeIfAbsent(u, k -> new ProbeStats()).record(r);
                    progress.accept(results.size());
                    if (results.size() == upstreams.size()) {
                        done.tryComplete(results);
                    } else {
                        next[0].run();
                    }
                });
            }
        };
        if (upstreams.isEmpty()) {
            return Future.succeededFuture(results);
        }
        vertx.runOnContext(v -> next[0].run());
        return done.future();
    }
}
