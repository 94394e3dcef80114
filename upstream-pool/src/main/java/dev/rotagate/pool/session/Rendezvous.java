package dev.rotagate.pool.session;

import dev.rotagate.pool.Hashing;
import dev.rotagate.pool.Upstream;
import java.util.function.Predicate;

/**
 * Weighted rendezvous (highest random weight) hashing: every upstream gets a score from hash(session, upstream);
 * the highest eligible score wins. Scores depend only on the session and the upstream's stable name, so two gateways
 * with the same config agree, and adding one of n upstreams moves only the ~1/n sessions it now wins.
 * Weights follow Schindelhauer and Schomaker: score = -weight / ln(u), u uniform in (0, 1).
 */
public final class Rendezvous {

    private Rendezvous() {
    }

    public static long sessionHash(String sessionId) {
        return Hashing.hash64(sessionId);
    }

    public static double score(long sessionHash, Upstream upstream) {
        long h = Hashing.mix(sessionHash ^ upstream.stableHash());
        double u = ((h >>> 11) + 0.5) * 0x1.0p-53; // strictly inside (0, 1)
        return -upstream.weight() / Math.log(u);
    }

    /** The eligible upstream with the highest score, or null when none is eligible. */
    public static Upstream pick(Upstream[] candidates, long sessionHash, Predicate<Upstream> eligible) {
        return pick(candidates, sessionHash, eligible, false);
    }

    /**
     * As {@link #pick(Upstream[], long, Predicate)}; with {@code equalWeights} the scores are compared by their
     * hash alone, which orders them the same way (the score grows with u) without a logarithm per candidate.
     */
    public static Upstream pick(Upstream[] candidates, long sessionHash, Predicate<Upstream> eligible,
                                boolean equalWeights) {
        if (equalWeights) {
            Upstream best = null;
            long bestU = -1;
            for (Upstream u : candidates) {
                long x = Hashing.mix(sessionHash ^ u.stableHash()) >>> 11;
                if (x > bestU && eligible.test(u)) {
                    best = u;
                    bestU = x;
                }
            }
            return best;
        }
        Upstream best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Upstream u : candidates) {
            long h = Hashing.mix(sessionHash ^ u.stableHash());
            double x = ((h >>> 11) + 0.5) * 0x1.0p-53;
            double w = u.weight();
            // -ln(x) >= 1 - x, so w / (1 - x) bounds the score from above: most candidates need no logarithm
            if (w / (1 - x) <= bestScore) {
                continue;
            }
            double s = -w / Math.log(x);
            if (s > bestScore && eligible.test(u)) {
                best = u;
                bestScore = s;
            }
        }
        return best;
    }
}
