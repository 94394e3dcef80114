package dev.rotagate.pool.resilience;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where an upstream stands. The legal transitions are data (resilience4j style); {@link UpstreamStates} is the one
 * place that changes them.
 */
public enum UpstreamState {
    /** New: gets traffic only after its first successful probe (when probing is on). */
    PROBING,
    /** In rotation. */
    HEALTHY,
    /** Out of rotation for a while after proxy faults or failed probes; comes back by itself. */
    EJECTED,
    /** Taken out by an operator until enabled again. */
    DISABLED;

    private Set<UpstreamState> next;

    static {
        PROBING.next = EnumSet.of(HEALTHY, EJECTED, DISABLED);
        HEALTHY.next = EnumSet.of(EJECTED, DISABLED);
        EJECTED.next = EnumSet.of(HEALTHY, DISABLED);
        DISABLED.next = EnumSet.of(HEALTHY, PROBING);
    }

    public boolean canBecome(UpstreamState target) {
        return next.contains(target);
    }
}
