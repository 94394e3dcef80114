package dev.rotagate.bench;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the pick benchmarks and prints one table: ns per pick and the ratio to the baseline of the same pool size
 * measured in the same run. Goals: non-sticky under 1 µs at 100,000 upstreams; repeat session under 1 µs; new
 * session under 100 µs at 10,000 upstreams. Arguments go to JMH (e.g. {@code -f 1 -wi 2 -i 3}).
 */
public final class PickBenchmarkMain {

    private PickBenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        // with a benchmark name as argument (e.g. StickyPickBenchmark) only that one and its baseline run
        java.util.List<String> only = java.util.Arrays.stream(args).filter(a -> !a.startsWith("-")).toList();
        String[] jmhArgs = java.util.Arrays.stream(args).filter(a -> a.startsWith("-")).toArray(String[]::new);
        OptionsBuilder builder = new OptionsBuilder();
        if (only.isEmpty()) {
            builder.include(BaselineBenchmark.class.getSimpleName()).include(PickBenchmark.class.getSimpleName())
                    .include(StickyPickBenchmark.class.getSimpleName());
        } else {
            only.forEach(builder::include);
            builder.include(BaselineBenchmark.class.getSimpleName());
        }
        Options options = builder
                .forks(1)
                .warmupIterations(2).warmupTime(TimeValue.seconds(1))
                .measurementIterations(3).measurementTime(TimeValue.seconds(1))
                .parent(new CommandLineOptions(jmhArgs))
                .build();
        Collection<RunResult> results = new Runner(options).run();

        Map<String, Double> ns = new LinkedHashMap<>();
        Map<String, Double> error = new LinkedHashMap<>();
        for (RunResult r : results) {
            var p = r.getParams();
            String[] parts = p.getBenchmark().split("\\.");
            StringBuilder key = new StringBuilder(parts[parts.length - 2] + "." + parts[parts.length - 1]);
            for (String k : p.getParamsKeys()) {
                key.append(' ').append(k).append('=').append(p.getParam(k));
            }
            ns.put(key.toString(), r.getPrimaryResult().getScore());
            error.put(key.toString(), r.getPrimaryResult().getScoreError());
        }
        System.out.println();
        System.out.printf("%-72s %12s %10s %11s%n", "benchmark", "ns/pick", "±", "x baseline");
        ns.forEach((key, score) -> {
            Double base = key.startsWith("BaselineBenchmark") ? null : baselineFor(ns, key);
            System.out.printf("%-72s %12.1f %10.1f %11s%n", key, score, error.get(key),
                    base == null ? "" : String.format("%.1f", score / base));
        });
    }

    /** Non-sticky picks against the array floor; sticky picks against a non-sticky pick on the same pool. */
    private static Double baselineFor(Map<String, Double> ns, String key) {
        String size = key.replaceAll(".*upstreams=(\\d+).*", "$1");
        String baseline = key.startsWith("StickyPickBenchmark")
                ? "StickyPickBenchmark.baseline upstreams=" + size : "BaselineBenchmark.baseline upstreams=" + size;
        return key.equals(baseline) ? null : ns.get(baseline);
    }
}
