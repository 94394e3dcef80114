package dev.rotagate.gateway.forward;

import dev.rotagate.pool.connect.MessageSocket;
import io.vertx.core.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The part CONNECT and SOCKS share: open a tunnel, let the front end acknowledge it in its own protocol, then
 * relay. The client stays paused until the relay runs, so bytes it sends early wait in Vert.x's queue and
 * are relayed first.
 */
public final class TunnelStarter {

    private TunnelStarter() {
    }

    /**
     * @param acknowledge writes the protocol's success answer naming the upstream and removes the front end's codecs
     * @param refuse      writes the protocol's failure answer and closes the client
     */
    public static void start(GatewayContext ctx, MessageSocket client, ProxyRequest request, String method,
                             Function<Tunnel, Future<Void>> acknowledge, Consumer<Throwable> refuse) {
        long start = System.nanoTime();
        boolean[] clientGone = {false};
        client.pause();
        client.closeHandler(v -> clientGone[0] = true);
        ctx.dispatcher().openTunnel(request).onComplete(ar -> {
            if (ar.failed()) {
                ctx.accessLog().log(request, method, upstreamName(ar.cause()), ErrorReplies.httpStatus(ErrorReplies.kindOf(ar.cause())).code(),
                        0, 0, start, ErrorReplies.kindOf(ar.cause()).code());
                if (!clientGone[0]) {
                    refuse.accept(ar.cause());
                }
                return;
            }
            Tunnel tunnel = ar.result();
            if (clientGone[0]) {
                tunnel.socket().close();
                ctx.dispatcher().finished(tunnel, 0, 0);
                ctx.accessLog().log(request, method, tunnel.upstream().name(), 499, 0, 0, start, "client-gone");
                return;
            }
            acknowledge.apply(tunnel).onComplete(acked -> {
                if (acked.failed() || clientGone[0]) {
                    tunnel.socket().close();
                    client.close();
                    ctx.dispatcher().finished(tunnel, 0, 0);
                    ctx.accessLog().log(request, method, tunnel.upstream().name(), 499, 0, 0, start, "client-gone");
                    return;
                }
                new Relay(client, tunnel.socket()).start().onComplete(done -> {
                    Relay.Result r = done.result();
                    ctx.dispatcher().finished(tunnel, r.upstreamToClient(), r.clientToUpstream());
                    ctx.accessLog().log(request, method, tunnel.upstream().name(), 200, r.clientToUpstream(),
                            r.upstreamToClient(), start, null);
                });
            });
        });
    }

    private static String upstreamName(Throwable e) {
        return e instanceof dev.rotagate.pool.connect.UpstreamFailure f ? f.upstream().name() : null;
    }
}
