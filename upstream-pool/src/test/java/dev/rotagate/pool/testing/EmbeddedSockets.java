package dev.rotagate.pool.testing;

import io.netty.channel.embedded.EmbeddedChannel;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketImpl;
import io.vertx.core.net.impl.VertxHandler;

/**
 * A real Vert.x socket on an in-memory Netty {@link EmbeddedChannel}: the same handler Vert.x puts on a TCP
 * connection, on a context bound to the channel's event loop, so everything runs on the test's thread and time moves
 * only when the test moves the channel's clock.
 */
public final class EmbeddedSockets {

    private EmbeddedSockets() {
    }

    /** Puts Vert.x's handler last in {@code channel}'s pipeline and returns the socket it made. */
    public static NetSocket attach(Vertx vertx, EmbeddedChannel channel) {
        ContextInternal context = ((VertxInternal) vertx).contextBuilder().withEventLoop(channel.eventLoop()).build();
        NetSocketInternal[] socket = new NetSocketInternal[1];
        VertxHandler<NetSocketImpl> handler = VertxHandler.create(c -> new NetSocketImpl(context, c, null, null, null, false));
        handler.addHandler(s -> socket[0] = s);
        channel.pipeline().addLast("handler", handler);
        return socket[0];
    }
}
