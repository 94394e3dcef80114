package dev.rotagate.pool.connect;

import dev.rotagate.common.HostAndPort;
import dev.rotagate.pool.Upstream;
import io.netty.channel.EventLoop;
import io.vertx.core.Future;

/** Where plain HTTP exchanges get their upstream connections and give them back. */
public interface HttpConnections {

    /**
     * An idle connection to reuse if there is a fresh one, else a new one; paused, for the caller to own with
     * {@link MessageSocket#listen}. Call on {@code loop}.
     */
    Future<HttpConnection> acquire(EventLoop loop, Upstream upstream, HostAndPort target, String session,
                                   boolean sessionIsFresh);

    /** A new connection, never a pooled one. */
    Future<HttpConnection> fresh(Upstream upstream, HostAndPort target, String session);

    /**
     * Takes a connection back after an exchange that ended cleanly: its response read to the end, its request sent
     * whole, keep-alive on both sides. The pool becomes its owner; anything else is closed.
     */
    void release(HttpConnection connection);
}
