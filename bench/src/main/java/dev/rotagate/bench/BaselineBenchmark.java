package dev.rotagate.bench;

import dev.rotagate.pool.Upstream;
import java.util.concurrent.ThreadLocalRandom;
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

/** The floor any selector pays, measured in the same run as the picks: one random index into an array. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class BaselineBenchmark {

    @Param({"10", "1000", "100000"})
    public int upstreams;

    private Upstream[] array;

    @Setup(Level.Trial)
    public void setUp() {
        array = PickBenchmark.upstreams(upstreams).toArray(new Upstream[0]);
    }

    @Benchmark
    public Upstream baseline() {
        return array[ThreadLocalRandom.current().nextInt(array.length)];
    }
}
