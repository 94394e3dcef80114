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
 * the one at fault — and is not retried elsewhere. An upstream is at fault when the target it failed works through
 * another upstream meanwhile, or when it fails for three or more distinct targets in a row, none of them known to
 * be at fault. Until one of these is shown, nobody is blamed.
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

    /**
     * A target's recent ambiguous failures: the upstreams it failed on (at most as many as it takes to convict it),
     * and whether it has worked through another upstream since.
     */
    private static final class TargetRecord {
        final Set<Upstream> failedOn = new HashSet<>(4);
        final Set<Upstream> workedOn = new HashSet<>(4);
    }

    private final Cache<HostAndPort, TargetRecord> targetFailures;
    /** Per upstream, the distinct targets of its ambiguous failures since its last success. */
    private final Map<Upstream, ArrayDeque<HostAndPort>> streaks = new ConcurrentHashMap<>();

    public FaultJudge(Duration window, Ticker ticker) {
        this.targetFailures = Caffeine.newBuilder().expireAfterWrite(window).maximumSize(100_000).ticker(ticker).build();
    }

    /** An ambiguous failure of {@code target} through {@code upstream}. */
    public Verdict judge(Upstream upstream, HostAndPort target) {
        TargetRecord record = targetFailures.get(target, t -> new TargetRecord());
        synchronized (record) {
            if (record.failedOn.size() < UPSTREAMS_THAT_CONVICT_A_TARGET) {
                record.failedOn.add(upstream);
            }
            if (record.failedOn.size() >= UPSTREAMS_THAT_CONVICT_A_TARGET) {
                return Verdict.TARGET;
            }
            if (!record.workedOn.isEmpty() && !record.workedOn.contains(upstream)) {
                return Verdict.UPSTREAM; // the same target works elsewhere: this one is the problem
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

    /**
     * The upstream did its part for {@code target}: its streak starts over, and if the target failed through another
     * upstream lately, that one is blamed the next time. One cache lookup, and only while some target has failed lately.
     */
    public void succeeded(Upstream upstream, HostAndPort target) {
        succeeded(upstream);
        if (targetFailures.estimatedSize() == 0) {
            return;
        }
        TargetRecord record = targetFailures.getIfPresent(target);
        if (record != null) {
            synchronized (record) {
                if (record.workedOn.size() < UPSTREAMS_THAT_CONVICT_A_TARGET && !record.failedOn.contains(upstream)) {
                    record.workedOn.add(upstream);
                }
            }
        }
    }

    /** Whether {@code target} has failed on enough upstreams lately to be the one at fault. */
    public boolean convicted(HostAndPort target) {
        TargetRecord record = targetFailures.getIfPresent(target);
        if (record == null) {
            return false;
        }
        synchronized (record) {
            return record.failedOn.size() >= UPSTREAMS_THAT_CONVICT_A_TARGET;
        }
    }
}
