package dev.rotagate.gateway.forward;

import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.connect.MessageSocket;

/** An open byte stream to the target through one upstream. */
public record Tunnel(Upstream upstream, MessageSocket socket) {
}
