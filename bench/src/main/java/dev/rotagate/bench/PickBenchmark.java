package dev.rotagate.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.rotagate.common.UpstreamUrl;
import dev.rotagate.config.UpstreamConfig;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.UpstreamPool;
import dev.rotagate.pool.resilience.Attempt;
import dev.rotagate.pool.select.RotationStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What one pick costs: take a slot on an upstream of the pool by its strategy, then give it back.
 * {@link BaselineBenchmark} measures the floor in the same run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class PickBenchmark {

    @Param({"10", "1000", "100000"})
    public int upstreams;

    @Param({"round-robin", "weighted", "random", "least-connections", "least-latency"})
    public String strategy;

    private UpstreamPool pool;

    static List<Upstream> upstreams(int n) {
        List<Upstream> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            UpstreamConfig c = new UpstreamConfig("up" + i,
                    UpstreamUrl.parse("http://10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255) + ":3128"),
                    1 + i % 5, List.of(), 0);
            Upstream u = new Upstream(c, 0);
            u.recordLatency(1_000_000L + (i * 7919L) % 50_000_000L);
            list.add(u);
        }
        return list;
    }

    @Setup(Level.Trial)
    public void setUp() {
        List<Upstream> list = upstreams(upstreams);
        pool = new UpstreamPool("bench", list, RotationStrategy.of(strategy), Duration.ofMinutes(10), Ticker.systemTicker());
    }

    @Benchmark
    public Upstream pick() {
        Attempt a = pool.select(null, List.of());
        a.finish(0, 0);
        return a.upstream();
    }
}
