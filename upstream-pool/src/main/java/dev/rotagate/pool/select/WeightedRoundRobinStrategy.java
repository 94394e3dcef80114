package dev.rotagate.pool.select;

import dev.rotagate.pool.Upstream;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Smooth weighted round-robin. The schedule of one whole cycle is computed once per snapshot, so a pick is one
 * atomic increment and an array read: no lock, no allocation. Small pools get nginx's exact sequence
 * (add each weight, take the largest, subtract the total); large ones the same proportions by earliest deadline
 * first. A cycle longer than {@link #MAX_CYCLE} picks falls back to weighted random (alias method), which keeps the
 * proportions on average.
 */
enum WeightedRoundRobinStrategy implements RotationStrategy {
    INSTANCE;

    static final int MAX_CYCLE = 1 << 20;
    private static final long NGINX_MAX_WORK = 4_000_000;

    @Override
    public UpstreamSelector newSelector(List<Upstream> candidates) {
        Upstream[] upstreams = candidates.toArray(new Upstream[0]);
        if (upstreams.length == 0) {
            return () -> null;
        }
        int[] weights = reducedWeights(upstreams);
        long total = 0;
        for (int w : weights) {
            total += w;
        }
        if (total > MAX_CYCLE) {
            return new AliasSelector(upstreams, weights);
        }
        int[] cycle = (long) upstreams.length * total <= NGINX_MAX_WORK
                ? nginxCycle(weights, (int) total) : earliestDeadlineCycle(weights, (int) total);
        Upstream[] schedule = new Upstream[cycle.length];
        for (int i = 0; i < cycle.length; i++) {
            schedule[i] = upstreams[cycle[i]];
        }
        return new CycleSelector(schedule);
    }

    /** Weights divided by their greatest common divisor: 2:4:6 cycles as 1:2:3. */
    private static int[] reducedWeights(Upstream[] upstreams) {
        int[] w = new int[upstreams.length];
        int g = 0;
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.max(1, upstreams[i].weight());
            g = gcd(g, w[i]);
        }
        for (int i = 0; i < w.length; i++) {
            w[i] /= g;
        }
        return w;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    static int[] nginxCycle(int[] weights, int total) {
        long[] current = new long[weights.length];
        int[] cycle = new int[total];
        for (int step = 0; step < total; step++) {
            int best = 0;
            for (int i = 0; i < weights.length; i++) {
                current[i] += weights[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            cycle[step] = best;
        }
        return cycle;
    }

    static int[] earliestDeadlineCycle(int[] weights, int total) {
        // the k-th turn of upstream i is due at (k + 0.5) / w_i of the cycle
        PriorityQueue<double[]> due = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0])
                : Double.compare(a[1], b[1]));
        for (int i = 0; i < weights.length; i++) {
            due.add(new double[] {0.5 / weights[i], i, 0});
        }
        int[] cycle = new int[total];
        for (int step = 0; step < total; step++) {
            double[] next = due.poll();
            int i = (int) next[1];
            cycle[step] = i;
            next[2]++;
            next[0] = (next[2] + 0.5) / weights[i];
            due.add(next);
        }
        return cycle;
    }

    static final class CycleSelector implements UpstreamSelector {
        private final Upstream[] schedule;
        private final AtomicLong next = new AtomicLong();

        CycleSelector(Upstream[] schedule) {
            this.schedule = schedule;
        }

        @Override
        public Upstream select() {
            return schedule[(int) ((next.getAndIncrement() & Long.MAX_VALUE) % schedule.length)];
        }
    }

    /** Vose's alias method: O(1) weighted random picks. */
    static final class AliasSelector implements UpstreamSelector {
        private final Upstream[] upstreams;
        private final double[] probability;
        private final int[] alias;

        AliasSelector(Upstream[] upstreams, int[] weights) {
            int n = upstreams.length;
            this.upstreams = upstreams;
            this.probability = new double[n];
            this.alias = new int[n];
            double total = 0;
            for (int w : weights) {
                total += w;
            }
            double[] scaled = new double[n];
            int[] small = new int[n];
            int[] large = new int[n];
            int s = 0;
            int l = 0;
            for (int i = 0; i < n; i++) {
                scaled[i] = weights[i] * n / total;
                if (scaled[i] < 1) {
                    small[s++] = i;
                } else {
                    large[l++] = i;
                }
            }
            while (s > 0 && l > 0) {
                int less = small[--s];
                int more = large[--l];
                probability[less] = scaled[less];
                alias[less] = more;
                scaled[more] = scaled[more] + scaled[less] - 1;
                if (scaled[more] < 1) {
                    small[s++] = more;
                } else {
                    large[l++] = more;
                }
            }
            while (l > 0) {
                probability[large[--l]] = 1;
            }
            while (s > 0) {
                probability[small[--s]] = 1;
            }
        }

        @Override
        public Upstream select() {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            int i = r.nextInt(upstreams.length);
            return r.nextDouble() < probability[i] ? upstreams[i] : upstreams[alias[i]];
        }
    }
}
