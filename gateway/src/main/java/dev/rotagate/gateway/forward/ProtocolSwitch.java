package dev.rotagate.gateway.forward;

import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.connect.HttpConnection;
import dev.rotagate.pool.connect.HttpConnectionPool;
import dev.rotagate.pool.connect.MessageSocket;
import dev.rotagate.pool.resilience.Attempt;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;

/**
 * A {@code 101 Switching Protocols} to a request that asked to upgrade (a WebSocket over {@code ws://}): the client
 * connection becomes a byte relay, like a CONNECT tunnel, and the upstream connection goes with it — it is never
 * pooled. Both HTTP codecs are taken out first; what either side sent right behind the switch waits, in order, for
 * the {@link Relay}.
 */
final class ProtocolSwitch implements MessageSocket.Listener {

    private final GatewayContext ctx;
    private final ClientLink client;
    private final ProxyRequest request;
    private final Attempt attempt;
    private final String method;
    private final long startNanos;
    private boolean gone;

    ProtocolSwitch(GatewayContext ctx, ClientLink client, ProxyRequest request, String method, Attempt attempt,
                   long startNanos) {
        this.ctx = ctx;
        this.client = client;
        this.request = request;
        this.method = method;
        this.attempt = attempt;
        this.startNanos = startNanos;
    }

    void start(HttpResponse head, HttpConnection connection) {
        Upstream upstream = connection.upstream();
        MessageSocket up = connection.socket();
        up.listen(this);
        up.pause(this);
        up.removeCodec(HttpConnectionPool.CODEC); // its decoder passes what follows the 101 on raw, to the relay
        client.enterTunnel(this); // the client's decoder goes too: what it sends now is the new protocol's
        HttpMessages.prepareSwitch(head, upstream.name());
        client.socket().write(new DefaultFullHttpResponse(head.protocolVersion(), head.status(), Unpooled.EMPTY_BUFFER,
                head.headers(), EmptyHttpHeaders.INSTANCE)).onComplete(written -> {
            if (written.failed() || gone) {
                up.close();
                client.closeWith(null);
                finish(upstream, 0, 0, "client-gone");
                return;
            }
            client.rawFromNowOn();
            new Relay(client.socket(), up, ctx.timeouts().halfClosed()).start(client).onComplete(done -> {
                Relay.Result r = done.result();
                finish(upstream, r.clientToUpstream(), r.upstreamToClient(), null);
            });
        });
    }

    private void finish(Upstream upstream, long up, long down, String error) {
        attempt.finish(down, up);
        ctx.accessLog().log(request, method, upstream.name(), 101, up, down, startNanos, error);
    }

    @Override
    public void onMessage(Object message) {
        ReferenceCountUtil.release(message); // never resumed: both sides wait for the relay
    }

    @Override
    public void onClose() {
        gone = true;
    }
}
