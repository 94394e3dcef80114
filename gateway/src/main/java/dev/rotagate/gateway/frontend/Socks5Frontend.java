package dev.rotagate.gateway.frontend;

import dev.rotagate.common.FailureKind;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.RoutingHints;
import dev.rotagate.gateway.forward.ErrorReplies;
import dev.rotagate.gateway.forward.GatewayContext;
import dev.rotagate.gateway.forward.ProxyRequest;
import dev.rotagate.gateway.forward.TunnelStarter;
import dev.rotagate.pool.connect.MessageSocket;
import io.netty.handler.codec.DecoderResult;
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
 * SOCKS5 (RFC 1928, RFC 1929) as a small state machine over Netty's decoders: greeting → optional
 * username/password → CONNECT. Only CONNECT is served; other commands get 0x07.
 */
public final class Socks5Frontend implements Frontend {

    public static final String DECODER = "socks-decoder";
    public static final String ENCODER = "socks-encoder";

    private enum State { GREETING, AUTH, COMMAND, TUNNEL }

    private final GatewayContext ctx;
    private final MessageSocket client;
    private final RequestDeadline deadline;
    private State state = State.GREETING;
    private RoutingHints hints = RoutingHints.NONE;

    public Socks5Frontend(GatewayContext ctx, MessageSocket client, RequestDeadline deadline) {
        this.deadline = deadline;
        this.ctx = ctx;
        this.client = client;
    }

    /** Installs the codecs the greeting needs. */
    public static void install(MessageSocket client) {
        client.addCodec(ENCODER, Socks5ServerEncoder.DEFAULT);
        client.addCodec(DECODER, new Socks5InitialRequestDecoder());
    }

    @Override
    public void onMessage(Object message) {
        if (message instanceof io.netty.buffer.ByteBuf raw && state != State.TUNNEL) {
            // bytes the previous decoder passed through after its message: the current decoder must see them
            client.refeedAfter(ENCODER, raw);
            return;
        }
        try {
            if (message instanceof io.netty.handler.codec.DecoderResultProvider p && failed(p.decoderResult())) {
                client.close(); // not SOCKS5: there is no reply a broken client could read
            } else if (state == State.GREETING && message instanceof Socks5InitialRequest greeting) {
                onGreeting(greeting);
            } else if (state == State.AUTH && message instanceof Socks5PasswordAuthRequest auth) {
                onAuth(auth);
            } else if (state == State.COMMAND && message instanceof Socks5CommandRequest command) {
                onCommand(command);
            } else if (state != State.TUNNEL) {
                client.close();
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    private static boolean failed(DecoderResult result) {
        return result != null && result.isFailure();
    }

    private void onGreeting(Socks5InitialRequest greeting) {
        boolean offersPassword = greeting.authMethods().contains(Socks5AuthMethod.PASSWORD);
        boolean offersNone = greeting.authMethods().contains(Socks5AuthMethod.NO_AUTH);
        Socks5AuthMethod method;
        if (offersPassword) {
            method = Socks5AuthMethod.PASSWORD; // also without users: the username may carry routing hints
        } else if (offersNone && !ctx.authenticator().required()) {
            method = Socks5AuthMethod.NO_AUTH;
        } else {
            client.write(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED)).onComplete(v -> client.close());
            return;
        }
        if (method == Socks5AuthMethod.PASSWORD) {
            client.pipeline().replace(DECODER, DECODER, new Socks5PasswordAuthRequestDecoder());
            state = State.AUTH;
        } else {
            client.pipeline().replace(DECODER, DECODER, new Socks5CommandRequestDecoder());
            state = State.COMMAND;
        }
        client.write(new DefaultSocks5InitialResponse(method));
    }

    private void onAuth(Socks5PasswordAuthRequest auth) {
        Optional<RoutingHints> accepted;
        try {
            accepted = ctx.authenticator().authenticate(auth.username(), auth.password());
        } catch (IllegalArgumentException e) {
            accepted = Optional.empty(); // malformed hints: SOCKS has no way to say why
        }
        if (accepted.isEmpty()) {
            client.write(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.FAILURE)).onComplete(v -> client.close());
            return;
        }
        hints = accepted.get();
        client.pipeline().replace(DECODER, DECODER, new Socks5CommandRequestDecoder());
        state = State.COMMAND;
        client.write(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
    }

    private void onCommand(Socks5CommandRequest command) {
        deadline.disarm();
        if (command.type() != Socks5CommandType.CONNECT) {
            reply(Socks5CommandStatus.COMMAND_UNSUPPORTED).onComplete(v -> client.close());
            return;
        }
        HostAndPort target;
        try {
            target = HostAndPort.of(command.dstAddr(), command.dstPort());
            if (target.port() == 0) {
                throw new IllegalArgumentException("port 0");
            }
        } catch (IllegalArgumentException e) {
            reply(ErrorReplies.socks5Status(FailureKind.BAD_REQUEST)).onComplete(v -> client.close());
            return;
        }
        state = State.TUNNEL;
        ProxyRequest request = new ProxyRequest(ProxyRequest.Protocol.SOCKS5, client.remoteAddress(), hints, target);
        TunnelStarter.start(ctx, client, request, "CONNECT", tunnel -> reply(Socks5CommandStatus.SUCCESS).map(v -> {
            client.removeCodec(DECODER);
            client.removeCodec(ENCODER);
            return (Void) null;
        }), error -> reply(ErrorReplies.socks5Status(ErrorReplies.kindOf(error))).onComplete(v -> client.close()));
    }

    private io.vertx.core.Future<Void> reply(Socks5CommandStatus status) {
        return client.write(new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4, "0.0.0.0", 0));
    }

    @Override
    public void onEvent(Object event) {
        if (event instanceof io.netty.channel.socket.ChannelInputShutdownEvent && state != State.TUNNEL) {
            client.close();
        }
        ReferenceCountUtil.release(event);
    }

    @Override
    public void onClose() {
    }
}
