package dev.rotagate.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.UpstreamPool;
import dev.rotagate.pool.resilience.Attempt;
import dev.rotagate.pool.select.RotationStrategy;
import java.time.Duration;
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
 * Sticky picks: a repeat session (a pin lookup) and a new session (rendezvous over every upstream, then a pin).
 * {@code baseline} is a non-sticky round-robin pick on the same pool.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class StickyPickBenchmark {

    @Param({"10", "10000"})
    public int upstreams;

    private UpstreamPool pool;
    private long next;

    @Setup(Level.Trial)
    public void setUp() {
        pool = new UpstreamPool("bench", PickBenchmark.upstreams(upstreams), RotationStrategy.roundRobin(),
                Duration.ofMinutes(10), Ticker.systemTicker());
        pool.select("repeat", List.of()).finish(0, 0);
    }

    @Benchmark
    public Upstream repeatSession() {
        Attempt a = pool.select("repeat", List.of());
        a.finish(0, 0);
        return a.upstream();
    }

    @Benchmark
    public Upstream newSession() {
        Attempt a = pool.select("s" + next++, List.of());
        a.finish(0, 0);
        return a.upstream();
    }

    @Benchmark
    public Upstream baseline() {
        Attempt a = pool.select(null, List.of());
        a.finish(0, 0);
        return a.upstream();
    }
}
