package dev.rotagate.gateway.forward;

import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.connect.MessageSocket;
import dev.rotagate.pool.resilience.Attempt;

/** An open byte stream to the target through one upstream; end it with {@link Dispatcher#finished}. */
public record Tunnel(Attempt attempt, MessageSocket socket, int attempts) {

    public Upstream upstream() {
        return attempt.upstream();
    }
}
