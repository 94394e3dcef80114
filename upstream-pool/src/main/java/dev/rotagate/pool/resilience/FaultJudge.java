package dev.rotagate.pool.resilience;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.pool.Upstream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells the upstream's faults from the target's when the failure itself cannot (no answer in time, a close before
 * the answer, a malformed answer): by correlation. A target that fails on two or more upstreams within the window is
 * the one at fault — and is not retried elsewhere; an upstream that fails for three or more distinct targets in a
 * row, none of them known to be at fault, is the suspect. Until one of the two is shown, nobody is blamed.
 */
public final class FaultJudge {

    /** What the evidence says about one failure. */
    public enum Verdict {
        /** The upstream failed: counts against it, may be retried elsewhere. */
        UPSTREAM,
        /** The target failed: the upstream did its part; no retry elsewhere. */
        TARGET,
        /** Not known yet: counts against nobody; another upstream may be tried (which tells). */
        UNKNOWN
    }

    private static final int UPSTREAMS_THAT_CONVICT_A_TARGET = 2;
    private static final int TARGETS_THAT_MAKE_A_SUSPECT = 3;

    /** Per target, the upstreams it recently failed on (at most as many as it takes to convict it). */
    private final Cache<HostAndPort, Set<Upstream>> targetFailures;
    /** Per upstream, the distinct targets of its ambiguous failures since its last success. */
    private final Map<Upstream, ArrayDeque<HostAndPort>> streaks = new ConcurrentHashMap<>();

    public FaultJudge(Duration window, Ticker ticker) {
        this.targetFailures = Caffeine.newBuilder().expireAfterWrite(window).maximumSize(100_000).ticker(ticker).build();
    }

    /** An ambiguous failure of {@code target} through {@code upstream}. */
    public Verdict judge(Upstream upstream, HostAndPort target) {
        Set<Upstream> failedOn = targetFailures.get(target, t -> new HashSet<>());
        synchronized (failedOn) {
            if (failedOn.size() < UPSTREAMS_THAT_CONVICT_A_TARGET) {
                failedOn.add(upstream);
            }
            if (failedOn.size() >= UPSTREAMS_THAT_CONVICT_A_TARGET) {
                return Verdict.TARGET;
            }
        }
        ArrayDeque<HostAndPort> streak = streaks.computeIfAbsent(upstream, u -> new ArrayDeque<>());
        synchronized (streak) {
            streak.remove(target);
            streak.addLast(target);
            streak.removeIf(this::convicted); // explained by the target since: not the upstream's doing
            while (streak.size() > TARGETS_THAT_MAKE_A_SUSPECT) {
                streak.removeFirst();
            }
            return streak.size() >= TARGETS_THAT_MAKE_A_SUSPECT ? Verdict.UPSTREAM : Verdict.UNKNOWN;
        }
    }

    /** The upstream did its part: its streak starts over. Cheap when there is none (the common case). */
    public void succeeded(Upstream upstream) {
        if (!streaks.isEmpty()) {
            streaks.remove(upstream);
        }
    }

    /** Whether {@code target} has failed on enough upstreams lately to be the one at fault. */
    public boolean convicted(HostAndPort target) {
        Set<Upstream> failedOn = targetFailures.getIfPresent(target);
        if (failedOn == null) {
            return false;
        }
        synchronized (failedOn) {
            return failedOn.size() >= UPSTREAMS_THAT_CONVICT_A_TARGET;
        }
    }
}
