package dev.rotagate.pool.select;

import dev.rotagate.pool.Upstream;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** A uniformly random upstream per pick. */
enum RandomStrategy implements RotationStrategy {
    INSTANCE;

    @Override
    public UpstreamSelector newSelector(List<Upstream> candidates) {
        Upstream[] upstreams = candidates.toArray(new Upstream[0]);
        return () -> upstreams.length == 0 ? null : upstreams[ThreadLocalRandom.current().nextInt(upstreams.length)];
    }
}
