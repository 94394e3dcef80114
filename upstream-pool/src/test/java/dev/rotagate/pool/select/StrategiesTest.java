package dev.rotagate.pool.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.Upstreams;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StrategiesTest {

    private static Map<String, Integer> count(UpstreamSelector selector, int picks) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(selector.select().name(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void weightedGivesExactProportionsOverWholeCycles() {
        List<Upstream> ups = List.of(Upstreams.of("a", 1, 0), Upstreams.of("b", 2, 0), Upstreams.of("c", 3, 0));

        Map<String, Integer> counts = count(RotationStrategy.weighted().newSelector(ups), 60_000);

        assertThat(counts).containsEntry("a", 10_000).containsEntry("b", 20_000).containsEntry("c", 30_000);
    }

    @Test
    void weightedIsSmoothLikeNginx() {
        List<Upstream> ups = List.of(Upstreams.of("a", 5, 0), Upstreams.of("b", 1, 0), Upstreams.of("c", 1, 0));
        UpstreamSelector s = RotationStrategy.weighted().newSelector(ups);

        List<String> cycle = IntStream.range(0, 7).mapToObj(i -> s.select().name()).toList();

        assertThat(cycle).containsExactly("a", "a", "b", "a", "c", "a", "a"); // nginx's documented sequence
    }

    @Test
    void weightedLargePoolsKeepProportionsByDeadlineAndHugeCyclesByAlias() {
        List<Upstream> many = IntStream.range(0, 3000).mapToObj(i -> Upstreams.of("m" + i, i % 3 + 1, 0)).toList();
        Map<String, Integer> counts = count(RotationStrategy.weighted().newSelector(many), 6000); // one whole cycle

        assertThat(counts.get("m0")).isEqualTo(1);
        assertThat(counts.get("m2")).isEqualTo(3);

        List<Upstream> heavy = IntStream.range(0, 3000).mapToObj(i -> Upstreams.of("h" + i, i == 0 ? 1000 : 999, 0)).toList();
        UpstreamSelector alias = RotationStrategy.weighted().newSelector(heavy);
        assertThat(alias).isInstanceOf(WeightedRoundRobinStrategy.AliasSelector.class);
        Map<String, Integer> sampled = count(alias, 300_000);
        assertThat(sampled.values().stream().mapToInt(Integer::intValue).average().orElse(0)).isCloseTo(100, within(1.0));
    }

    @Test
    void randomSpreadsEvenly() {
        Map<String, Integer> counts = count(RotationStrategy.random().newSelector(Upstreams.named(4)), 40_000);

        assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(9_000, 11_000));
    }

    @Test
    void leastConnectionsAvoidsTheBusiestUpstream() {
        List<Upstream> ups = Upstreams.named(3);
        for (int i = 0; i < 50; i++) {
            ups.get(0).tryStart();
        }

        Map<String, Integer> counts = count(RotationStrategy.leastConnections().newSelector(ups), 3_000);

        assertThat(counts.getOrDefault("u0", 0)).isZero(); // it loses every comparison it is in
        assertThat(counts.get("u1") + counts.get("u2")).isEqualTo(3_000);
    }

    @Test
    void leastLatencyPrefersTheFastestAndTriesUnmeasuredOnes() {
        List<Upstream> ups = Upstreams.named(3);
        ups.get(0).recordLatency(50_000_000);
        ups.get(1).recordLatency(5_000_000);

        Map<String, Integer> counts = count(RotationStrategy.leastLatency().newSelector(ups), 3_000);

        assertThat(counts.getOrDefault("u0", 0)).isZero();
        assertThat(counts.get("u2")).as("never measured: tried first").isGreaterThan(counts.get("u1"));
    }

    @Test
    void latencyIsAMovingAverage() {
        Upstream u = Upstreams.of("x", 1, 0);
        u.recordLatency(100);
        u.recordLatency(200);

        assertThat(u.latencyEwmaNanos()).isEqualTo(120);
    }
}
