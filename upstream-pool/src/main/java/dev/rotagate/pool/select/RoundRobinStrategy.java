package dev.rotagate.pool.select;

import dev.rotagate.pool.Upstream;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Each upstream in turn. The counter is a long: it would take centuries at 10^9 picks/s to wrap. */
enum RoundRobinStrategy implements RotationStrategy {
    INSTANCE;

    @Override
    public UpstreamSelector newSelector(List<Upstream> candidates) {
        return new Selector(candidates.toArray(new Upstream[0]), 0);
    }

    static final class Selector implements UpstreamSelector {
        private final Upstream[] upstreams;
        private final AtomicLong next;

        Selector(Upstream[] upstreams, long start) {
            this.upstreams = upstreams;
            this.next = new AtomicLong(start);
        }

        @Override
        public Upstream select() {
            int n = upstreams.length;
            if (n == 0) {
                return null;
            }
            // the mask keeps the index non-negative even if the counter ever wraps
            return upstreams[(int) ((next.getAndIncrement() & Long.MAX_VALUE) % n)];
        }
    }
}
