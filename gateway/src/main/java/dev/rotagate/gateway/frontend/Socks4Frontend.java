package dev.rotagate.gateway.frontend;

import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.RoutingHints;
import dev.rotagate.gateway.forward.GatewayContext;
import dev.rotagate.gateway.forward.ProxyRequest;
import dev.rotagate.gateway.forward.TunnelStarter;
import dev.rotagate.pool.connect.MessageSocket;
import io.netty.handler.codec.socksx.v4.DefaultSocks4CommandResponse;
import io.netty.handler.codec.socksx.v4.Socks4CommandRequest;
import io.netty.handler.codec.socksx.v4.Socks4CommandStatus;
import io.netty.handler.codec.socksx.v4.Socks4CommandType;
import io.netty.handler.codec.socksx.v4.Socks4ServerDecoder;
import io.netty.handler.codec.socksx.v4.Socks4ServerEncoder;
import io.netty.util.ReferenceCountUtil;

/**
 * SOCKS4 and SOCKS4a CONNECT. SOCKS4 carries no password, so it is refused when client auth is on; the user id
 * field may still carry routing hints.
 */
public final class Socks4Frontend implements Frontend {

    public static final String DECODER = "socks-decoder";
    public static final String ENCODER = "socks-encoder";

    private final GatewayContext ctx;
    private final MessageSocket client;
    private final RequestDeadline deadline;
    private boolean tunneling;

    public Socks4Frontend(GatewayContext ctx, MessageSocket client, RequestDeadline deadline) {
        this.deadline = deadline;
        this.ctx = ctx;
        this.client = client;
    }

    public static void install(MessageSocket client) {
        client.addCodec(ENCODER, Socks4ServerEncoder.INSTANCE);
        client.addCodec(DECODER, new Socks4ServerDecoder());
    }

    @Override
    public void onMessage(Object message) {
        try {
            if (tunneling) {
                return;
            }
            deadline.disarm();
            if (!(message instanceof Socks4CommandRequest command) || command.decoderResult().isFailure()) {
                client.close();
                return;
            }
            if (command.type() != Socks4CommandType.CONNECT || ctx.authenticator().required()) {
                reply(Socks4CommandStatus.REJECTED_OR_FAILED).onComplete(v -> client.close());
                return;
            }
            RoutingHints hints;
            HostAndPort target;
            try {
                hints = RoutingHints.parse(command.userId());
                target = HostAndPort.of(command.dstAddr(), command.dstPort());
            } catch (IllegalArgumentException e) {
                reply(Socks4CommandStatus.REJECTED_OR_FAILED).onComplete(v -> client.close());
                return;
            }
            tunneling = true;
            ProxyRequest request = new ProxyRequest(ProxyRequest.Protocol.SOCKS4, client.remoteAddress(), hints, target);
            TunnelStarter.start(ctx, client, request, "CONNECT", tunnel -> reply(Socks4CommandStatus.SUCCESS).map(v -> {
                client.removeCodec(DECODER);
                client.removeCodec(ENCODER);
                return (Void) null;
            }), error -> reply(Socks4CommandStatus.REJECTED_OR_FAILED).onComplete(v -> client.close()));
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    private io.vertx.core.Future<Void> reply(Socks4CommandStatus status) {
        return client.write(new DefaultSocks4CommandResponse(status));
    }

    @Override
    public void onEvent(Object event) {
        if (event instanceof io.netty.channel.socket.ChannelInputShutdownEvent && !tunneling) {
            client.close();
        }
        ReferenceCountUtil.release(event);
    }

    @Override
    public void onClose() {
    }
}
