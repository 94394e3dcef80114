package dev.rotagate.pool.select;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.common.UpstreamUrl;
import dev.rotagate.config.UpstreamConfig;
import dev.rotagate.pool.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RoundRobinStrategyTest {

    private static List<Upstream> upstreams(int n) {
        return IntStream.range(0, n).mapToObj(i -> new Upstream(new UpstreamConfig("u" + i,
                UpstreamUrl.parse("http://10.0.0." + (i + 1) + ":3128"), 1, List.of()))).toList();
    }

    private static List<String> picks(UpstreamSelector selector, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(selector.select().name());
        }
        return out;
    }

    @Test
    void visitsEachUpstreamInTurn() {
        UpstreamSelector selector = RotationStrategy.roundRobin().newSelector(upstreams(3));

        assertThat(picks(selector, 7)).containsExactly("u0", "u1", "u2", "u0", "u1", "u2", "u0");
    }

    @Test
    void keepsItsOrderAcrossIntegerOverflow() {
        var selector = new RoundRobinStrategy.Selector(upstreams(3).toArray(new Upstream[0]), Integer.MAX_VALUE - 2L);

        List<String> picks = picks(selector, 9);

        // Integer.MAX_VALUE - 2 = 2147483645 ≡ 2 (mod 3): a 32-bit counter would go negative or jump here
        assertThat(picks).containsExactly("u2", "u0", "u1", "u2", "u0", "u1", "u2", "u0", "u1");
    }

    @Test
    void neverPicksOutOfRangeEvenWhenTheLongCounterWraps() {
        var selector = new RoundRobinStrategy.Selector(upstreams(3).toArray(new Upstream[0]), Long.MAX_VALUE - 1);

        assertThat(picks(selector, 6)).allMatch(name -> name.matches("u[0-2]"));
    }

    @Test
    void anEmptyPoolPicksNothing() {
        assertThat(RotationStrategy.roundRobin().newSelector(List.of()).select()).isNull();
    }
}
