package dev.rotagate.gateway.frontend;

import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.RoutingHints;
import dev.rotagate.common.TargetNames;
import dev.rotagate.gateway.forward.GatewayContext;
import dev.rotagate.gateway.forward.ProxyRequest;
import dev.rotagate.gateway.forward.TunnelOpener;
import dev.rotagate.pool.connect.MessageSocket;
import io.netty.handler.codec.socksx.v4.DefaultSocks4CommandResponse;
import io.netty.handler.codec.socksx.v4.Socks4CommandRequest;
import io.netty.handler.codec.socksx.v4.Socks4CommandStatus;
import io.netty.handler.codec.socksx.v4.Socks4CommandType;
import io.netty.handler.codec.socksx.v4.Socks4ServerDecoder;
import io.netty.handler.codec.socksx.v4.Socks4ServerEncoder;
import io.netty.util.ReferenceCountUtil;
import java.util.Optional;

/**
 * The HANDSHAKE phase of a SOCKS4 or SOCKS4a client: one CONNECT request. SOCKS4 carries no password, so it is
 * refused when client auth is on; the user id field may still carry routing hints. The decoder is removed as soon
 * as it has produced the request: what follows is the tunnel's.
 */
final class Socks4Handshake implements MessageSocket.Listener {

    static final String DECODER = "socks-decoder";
    static final String ENCODER = "socks-encoder";

    private final GatewayContext ctx;
    private final ClientConnection connection;

    Socks4Handshake(GatewayContext ctx, ClientConnection connection) {
        this.ctx = ctx;
        this.connection = connection;
    }

    static void install(MessageSocket client) {
        client.addCodec(ENCODER, Socks4ServerEncoder.INSTANCE);
        client.addCodec(DECODER, new Socks4ServerDecoder());
    }

    @Override
    public void onMessage(Object message) {
        try {
            if (!(message instanceof Socks4CommandRequest command) || command.decoderResult().isFailure()) {
                connection.closeWith(null);
                return;
            }
            if (command.type() != Socks4CommandType.CONNECT) {
                connection.closeWith(new DefaultSocks4CommandResponse(Socks4CommandStatus.REJECTED_OR_FAILED));
                return;
            }
            Optional<RoutingHints> hints;
            HostAndPort target;
            try {
                // SOCKS4 has no password: the user id only carries hints; who the client is, its listener or address says
                hints = ctx.authenticator().authenticate(connection.entrance(), connection.clientAddress(),
                        command.userId(), null);
                target = TargetNames.target(command.dstAddr(), command.dstPort());
            } catch (IllegalArgumentException e) {
                connection.closeWith(new DefaultSocks4CommandResponse(Socks4CommandStatus.REJECTED_OR_FAILED));
                return;
            }
            if (hints.isEmpty()) {
                connection.closeWith(new DefaultSocks4CommandResponse(Socks4CommandStatus.REJECTED_OR_FAILED));
                return;
            }
            ProxyRequest request = new ProxyRequest(ProxyRequest.Protocol.SOCKS4, connection.remoteAddress(),
                    connection.entrance().apply(hints.get()), target, connection.entrance().stats());
            TunnelOpener.open(ctx, connection, request, "CONNECT",
                    tunnel -> connection.socket().write(new DefaultSocks4CommandResponse(Socks4CommandStatus.SUCCESS)),
                    error -> new DefaultSocks4CommandResponse(Socks4CommandStatus.REJECTED_OR_FAILED));
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    @Override
    public void onInputShutdown() {
        connection.closeWith(null);
    }

    @Override
    public void onClose() {
    }
}
