package dev.rotagate.health;

import dev.rotagate.common.FailureKind;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.UpstreamPool;
import dev.rotagate.pool.resilience.UpstreamState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** A snapshot of every upstream of every pool; the one model the CLI, the admin API and the status page render. */
public record HealthReport(long generatedAtMillis, List<UpstreamReport> upstreams, List<String> pools) {

    /** Exit codes of {@code rotagate health}, the monitoring-plugin convention. */
    public static final int OK = 0;
    public static final int SOME_UNHEALTHY = 1;
    public static final int POOL_DOWN = 2;
    public static final int BAD_INPUT = 3;

    /** Builds the report; {@code stats} gives each upstream's probe history (null: not probed). */
    public static HealthReport of(List<UpstreamPool> pools, Function<Upstream, ProbeStats> stats) {
        List<UpstreamReport> rows = new ArrayList<>();
        Map<String, Integer> exitIpUse = new HashMap<>();
        for (UpstreamPool pool : pools) {
            for (Upstream u : pool.upstreams()) {
                ProbeStats s = stats.apply(u);
                if (s != null && s.exitIp() != null) {
                    exitIpUse.merge(s.exitIp(), 1, Integer::sum);
                }
            }
        }
        for (UpstreamPool pool : pools) {
            for (Upstream u : pool.upstreams()) {
                rows.add(row(pool, u, stats.apply(u), exitIpUse));
            }
        }
        rows.sort(Comparator.comparingInt((UpstreamReport r) -> order(r.state())).thenComparing(UpstreamReport::pool)
                .thenComparing(UpstreamReport::name));
        return new HealthReport(System.currentTimeMillis(), rows, pools.stream().map(UpstreamPool::name).toList());
    }

    private static UpstreamReport row(UpstreamPool pool, Upstream u, ProbeStats s, Map<String, Integer> exitIpUse) {
        ProbeResult last = s == null ? null : s.last();
        Map<String, Long> byKind = new LinkedHashMap<>();
        for (FailureKind k : FailureKind.values()) {
            long n = u.health().failures(k);
            if (n > 0) {
                byKind.put(k.code(), n);
            }
        }
        long requests = u.requests();
        long failures = u.failures();
        String exitIp = s == null ? null : s.exitIp();
        return new UpstreamReport(pool.name(), u.name(), u.url().toString(), u.health().state().name(), u.health().reason(),
                u.health().sinceMillis(), u.health().breaker().getState().name(),
                last == null || !last.ok() ? -1 : last.latencyNanos() / 1_000_000.0,
                s == null ? -1 : s.latencyPercentileMillis(50), s == null ? -1 : s.latencyPercentileMillis(95),
                exitIp, exitIp != null && exitIpUse.getOrDefault(exitIp, 0) > 1,
                last == null ? 0 : last.atMillis(), last == null || last.ok() ? null : last.error(),
                requests, failures, requests == 0 ? -1 : 100.0 * (requests - failures) / requests, u.inFlight(),
                u.bytesIn(), u.bytesOut(), byKind, pool.bans().activeCount(u));
    }

    private static int order(String state) {
        return switch (UpstreamState.valueOf(state)) {
            case EJECTED -> 0;
            case PROBING -> 1;
            case DISABLED -> 2;
            case HEALTHY -> 3;
        };
    }

    public long healthyCount() {
        return upstreams.stream().filter(UpstreamReport::healthy).count();
    }

    /** Pools without a single healthy upstream. */
    public List<String> downPools() {
        return pools.stream().filter(p -> upstreams.stream().noneMatch(u -> u.pool().equals(p) && u.healthy())).toList();
    }

    /** 0 all healthy, 1 some unhealthy, 2 a pool with none healthy. */
    public int exitCode() {
        if (!downPools().isEmpty()) {
            return POOL_DOWN;
        }
        return healthyCount() == upstreams.size() ? OK : SOME_UNHEALTHY;
    }

    /** {@code 42/50 healthy in 3 pools}, plus the pools that are down. */
    public String summary() {
        String s = healthyCount() + "/" + upstreams.size() + " healthy in " + pools.size() + (pools.size() == 1 ? " pool" : " pools");
        List<String> down = downPools();
        return down.isEmpty() ? s : s + "; no healthy upstream in " + String.join(", ", down);
    }
}
