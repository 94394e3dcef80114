package dev.rotagate.pool.select;

import dev.rotagate.pool.Upstream;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToLongFunction;

/**
 * Two random candidates, the better one by a load metric wins (Mitzenmacher's power of two choices, as in Envoy's
 * least-request balancer): close to the best choice at O(1) per pick, and never the herd effect of always taking the
 * global minimum.
 */
enum PowerOfTwoChoicesStrategy implements RotationStrategy {
    LEAST_CONNECTIONS(Upstream::inFlight),
    /** Upstreams without a latency sample yet score 0, so each gets tried early. */
    LEAST_LATENCY(u -> Math.max(0, u.latencyEwmaNanos()));

    private final ToLongFunction<Upstream> load;

    PowerOfTwoChoicesStrategy(ToLongFunction<Upstream> load) {
        this.load = load;
    }

    @Override
    public UpstreamSelector newSelector(List<Upstream> candidates) {
        Upstream[] upstreams = candidates.toArray(new Upstream[0]);
        return () -> {
            int n = upstreams.length;
            if (n < 2) {
                return n == 0 ? null : upstreams[0];
            }
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int i = random.nextInt(n);
            int j = random.nextInt(n - 1);
            if (j >= i) {
                j++;
            }
            Upstream a = upstreams[i];
            Upstream b = upstreams[j];
            return load.applyAsLong(b) < load.applyAsLong(a) ? b : a;
        };
    }
}
