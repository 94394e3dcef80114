package dev.rotagate.gateway.forward;

import dev.rotagate.pool.connect.MessageSocket;
import dev.rotagate.pool.connect.UpstreamFailure;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import java.util.function.Function;

/**
 * The TUNNEL phase of CONNECT and SOCKS before any byte is relayed: opens the tunnel (retried on other upstreams by
 * the {@link Dispatcher}) while the client waits. The client is paused meanwhile, so what it sends early waits in
 * its socket, in order, for the {@link Relay}. Then the front end answers in its own protocol, and the relay takes
 * the client over. A refusal is answered and the connection closed.
 */
public final class TunnelOpener implements MessageSocket.Listener {

    private final GatewayContext ctx;
    private final ClientLink client;
    private final ProxyRequest request;
    private final String method;
    private final long start = System.nanoTime();
    private boolean clientGone;

    private TunnelOpener(GatewayContext ctx, ClientLink client, ProxyRequest request, String method) {
        this.ctx = ctx;
        this.client = client;
        this.request = request;
        this.method = method;
    }

    /**
     * @param acknowledge writes the protocol's success answer for the open tunnel
     * @param answer      the protocol's failure answer for an error
     */
    public static void open(GatewayContext ctx, ClientLink client, ProxyRequest request, String method,
                            Function<Tunnel, Future<Void>> acknowledge, Function<Throwable, Object> answer) {
        TunnelOpener opener = new TunnelOpener(ctx, client, request, method);
        client.enterTunnel(opener);
        GatewayError refusal = ctx.admission().admit(request, client);
        if (refusal != null) {
            opener.refused(refusal, answer);
            return;
        }
        ctx.dispatcher().openTunnel(request, client.socket().eventLoop()).onComplete(ar -> {
            if (ar.failed()) {
                opener.refused(ar.cause(), answer);
            } else {
                opener.opened(ar.result(), acknowledge);
            }
        });
    }

    private void refused(Throwable error, Function<Throwable, Object> refusal) {
        ctx.accessLog().log(request, method, error instanceof UpstreamFailure f ? f.upstream().name() : null,
                ErrorReplies.httpStatus(ErrorReplies.kindOf(error)).code(), 0, 0, start, ErrorReplies.kindOf(error).code());
        if (!clientGone) {
            client.closeWith(refusal.apply(error));
        }
    }

    private void opened(Tunnel tunnel, Function<Tunnel, Future<Void>> acknowledge) {
        if (clientGone) {
            abandon(tunnel);
            return;
        }
        acknowledge.apply(tunnel).onComplete(acked -> {
            if (acked.failed() || clientGone) {
                abandon(tunnel);
                client.closeWith(null);
                return;
            }
            client.rawFromNowOn();
            new Relay(client.socket(), tunnel.socket(), ctx.timeouts().halfClosed()).start(client).onComplete(done -> {
                Relay.Result r = done.result();
                ctx.dispatcher().finished(tunnel, r.upstreamToClient(), r.clientToUpstream());
                ctx.accessLog().log(request, method, tunnel.upstream().name(), 200, r.clientToUpstream(),
                        r.upstreamToClient(), start, null);
            });
        });
    }

    private void abandon(Tunnel tunnel) {
        tunnel.socket().close();
        ctx.dispatcher().finished(tunnel, 0, 0);
        ctx.accessLog().log(request, method, tunnel.upstream().name(), 499, 0, 0, start, "client-gone");
    }

    @Override
    public void onMessage(Object message) {
        ReferenceCountUtil.release(message); // never resumed: what the client sends waits for the relay
    }

    @Override
    public void onClose() {
        clientGone = true;
    }
}
