package dev.rotagate.gateway.frontend;

import dev.rotagate.common.FailureKind;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.RoutingHints;
import dev.rotagate.common.TargetNames;
import dev.rotagate.gateway.forward.ErrorReplies;
import dev.rotagate.gateway.forward.GatewayContext;
import dev.rotagate.gateway.forward.ProxyRequest;
import dev.rotagate.gateway.forward.TunnelOpener;
import dev.rotagate.pool.connect.MessageSocket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import io.netty.util.ReferenceCountUtil;
import java.util.Optional;

/**
 * The HANDSHAKE phase of a SOCKS5 client (RFC 1928, RFC 1929), a small state machine over Netty's decoders:
 * greeting → optional username/password → command. Each stage has a fresh decoder; the one that produced its
 * message is replaced (or, after the command, removed) before anything else is read, so the bytes a client
 * pipelines behind a message are fed to the next stage's decoder only, never to one that has finished. Every
 * refusal is answered with its reply code and closes the connection ({@link ClientConnection#closeWith}).
 */
final class Socks5Handshake implements MessageSocket.Listener {

    static final String DECODER = "socks-decoder";
    static final String ENCODER = "socks-encoder";

    private enum Stage { GREETING, AUTH, COMMAND, DONE }

    private final GatewayContext ctx;
    private final ClientConnection connection;
    private final MessageSocket client;
    private Stage stage = Stage.GREETING;
    /** The decoder in the pipeline has not produced its message yet: only then may bytes be fed to it. */
    private boolean decoderLive = true;
    private RoutingHints hints = RoutingHints.NONE;

    Socks5Handshake(GatewayContext ctx, ClientConnection connection) {
        this.ctx = ctx;
        this.connection = connection;
        this.client = connection.socket();
    }

    /** The codecs the greeting needs. */
    static void install(MessageSocket client) {
        client.addCodec(ENCODER, Socks5ServerEncoder.DEFAULT);
        client.addCodec(DECODER, new Socks5InitialRequestDecoder());
    }

    @Override
    public void onMessage(Object message) {
        if (message instanceof ByteBuf raw) {
            // bytes the client sent behind the previous stage's message: the next stage's decoder reads them
            if (!decoderLive) {
                ReferenceCountUtil.release(raw);
                connection.closeWith(null);
                throw new IllegalStateException("SOCKS5 " + stage + ": bytes for a decoder that has finished");
            }
            client.feed(DECODER, raw);
            return;
        }
        decoderLive = false;
        try {
            if (message instanceof DecoderResultProvider p && p.decoderResult().isFailure()) {
                connection.closeWith(refusalOfUnreadable(p.decoderResult().cause()));
            } else if (stage == Stage.GREETING && message instanceof Socks5InitialRequest greeting) {
                onGreeting(greeting);
            } else if (stage == Stage.AUTH && message instanceof Socks5PasswordAuthRequest auth) {
                onAuth(auth);
            } else if (stage == Stage.COMMAND && message instanceof Socks5CommandRequest command) {
                onCommand(command);
            } else {
                connection.closeWith(null);
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    private void onGreeting(Socks5InitialRequest greeting) {
        if (greeting.authMethods().contains(Socks5AuthMethod.PASSWORD)) {
            // also without users: the username may carry routing hints
            client.write(new DefaultSocks5InitialResponse(Socks5AuthMethod.PASSWORD)); // first: it answers what came first
            next(Stage.AUTH, new Socks5PasswordAuthRequestDecoder());
            return;
        }
        // a listener bound to a user, or an allowed address: Chromium cannot authenticate to SOCKS5 at all
        Optional<RoutingHints> withoutCredentials = greeting.authMethods().contains(Socks5AuthMethod.NO_AUTH)
                ? ctx.authenticator().authenticate(connection.entrance(), connection.clientAddress(), null, null)
                : Optional.empty();
        if (withoutCredentials.isPresent()) {
            hints = withoutCredentials.get();
            client.write(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
            next(Stage.COMMAND, new Socks5CommandRequestDecoder());
        } else {
            connection.closeWith(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED));
        }
    }

    private void onAuth(Socks5PasswordAuthRequest auth) {
        Optional<RoutingHints> accepted;
        try {
            accepted = ctx.authenticator().authenticate(connection.entrance(), connection.clientAddress(), auth.username(),
                    auth.password());
        } catch (IllegalArgumentException e) {
            accepted = Optional.empty(); // malformed hints: SOCKS has no way to say why
        }
        if (accepted.isEmpty()) {
            connection.closeWith(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.FAILURE));
            return;
        }
        hints = accepted.get();
        client.write(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
        next(Stage.COMMAND, new Socks5CommandRequestDecoder());
    }

    private void onCommand(Socks5CommandRequest command) {
        stage = Stage.DONE; // what follows the command is the tunnel's: its decoder goes when the tunnel (or the close) starts
        if (command.type() != Socks5CommandType.CONNECT) {
            connection.closeWith(reply(Socks5CommandStatus.COMMAND_UNSUPPORTED));
            return;
        }
        HostAndPort target;
        try {
            target = TargetNames.target(command.dstAddr(), command.dstPort());
        } catch (IllegalArgumentException e) {
            connection.closeWith(reply(ErrorReplies.socks5Status(FailureKind.BAD_REQUEST)));
            return;
        }
        ProxyRequest request = new ProxyRequest(ProxyRequest.Protocol.SOCKS5, connection.remoteAddress(),
                connection.entrance().apply(hints), target, connection.entrance().stats());
        TunnelOpener.open(ctx, connection, request, "CONNECT", tunnel -> client.write(reply(Socks5CommandStatus.SUCCESS)),
                error -> reply(ErrorReplies.socks5Status(ErrorReplies.kindOf(error))));
    }

    /** The answer to a message Netty's decoder could not read, in the current stage's terms. */
    private Object refusalOfUnreadable(Throwable cause) {
        return switch (stage) {
            case GREETING -> new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED);
            case AUTH -> new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.FAILURE);
            // an address Netty would not take is a refused target; an unknown address type has its own code
            default -> reply(cause.getCause() instanceof IllegalArgumentException ? Socks5CommandStatus.HOST_UNREACHABLE
                    : String.valueOf(cause.getMessage()).startsWith("unsupported address type")
                    ? Socks5CommandStatus.ADDRESS_UNSUPPORTED : Socks5CommandStatus.FAILURE);
        };
    }

    /** The next stage reads with a fresh decoder, installed before another byte is read. */
    private void next(Stage nextStage, ChannelHandler decoder) {
        stage = nextStage;
        decoderLive = true; // before the swap: the old decoder hands its leftover on during it
        client.pipeline().replace(DECODER, DECODER, decoder);
    }

    private static DefaultSocks5CommandResponse reply(Socks5CommandStatus status) {
        return new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4, "0.0.0.0", 0);
    }

    @Override
    public void onInputShutdown() {
        connection.closeWith(null); // the client gave up before its command
    }

    @Override
    public void onClose() {
    }
}
