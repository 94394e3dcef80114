package dev.rotagate.pool.select;

import dev.rotagate.pool.Upstream;

/** Picks one upstream from an immutable snapshot; never locks, safe from any thread. */
@FunctionalInterface
public interface UpstreamSelector {

    /** The chosen upstream, or null when there is none. */
    Upstream select();
}
