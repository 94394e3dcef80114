package dev.rotagate.gateway.frontend;

import dev.rotagate.common.FailureKind;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.RoutingHints;
import dev.rotagate.gateway.forward.ErrorReplies;
import dev.rotagate.gateway.forward.GatewayContext;
import dev.rotagate.gateway.forward.HttpExchange;
import dev.rotagate.gateway.forward.HttpMessages;
import dev.rotagate.gateway.forward.ProxyRequest;
import dev.rotagate.gateway.forward.TunnelStarter;
import dev.rotagate.pool.connect.MessageSocket;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * The HTTP side of the port: absolute-form requests are forwarded one by one (each may leave through another
 * upstream), CONNECT opens a tunnel. Netty's HttpServerCodec parses and encodes.
 */
public final class HttpProxyFrontend implements Frontend {

    public static final String CODEC = "http";
    private static final String SESSION_HEADER = "X-Rotagate-Session";
    private static final String POOL_HEADER = "X-Rotagate-Pool";
    private static final String TAG_HEADER = "X-Rotagate-Tag";

    /** The context of the config now in force: each request routes with the latest reload. */
    private final java.util.function.Supplier<GatewayContext> contexts;
    private GatewayContext ctx;
    private final MessageSocket client;
    private final RequestDeadline deadline;
    private final String clientAddress;
    private HttpExchange exchange;
    /** Body parts of a request that was answered without forwarding are dropped until its end. */
    private boolean discardingBody;
    private boolean tunneling;
    private boolean closeWhenDone;

    public HttpProxyFrontend(java.util.function.Supplier<GatewayContext> contexts, MessageSocket client,
                             RequestDeadline deadline) {
        this.deadline = deadline;
        this.contexts = contexts;
        this.ctx = contexts.get();
        this.client = client;
        this.clientAddress = client.remoteAddress();
    }

    @Override
    public void onMessage(Object message) {
        if (message instanceof HttpRequest request) {
            onRequest(request);
        }
        if (message instanceof HttpContent part) {
            if (exchange != null && !discardingBody) {
                exchange.onClientContent(part);
            } else {
                if (part instanceof LastHttpContent) {
                    discardingBody = false;
                }
                ReferenceCountUtil.release(part);
            }
        } else if (!(message instanceof HttpRequest)) {
            ReferenceCountUtil.release(message);
        }
    }

    private void onRequest(HttpRequest request) {
        deadline.disarm();
        ctx = contexts.get();
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            boolean tooLarge = cause instanceof TooLongFrameException;
            replyAndClose(tooLarge ? FailureKind.REQUEST_TOO_LARGE : FailureKind.BAD_REQUEST,
                    tooLarge ? "request head too large (limit " + ctx.server().maxRequestHead() + " bytes)"
                            : "malformed request: " + cause.getMessage());
            return;
        }
        RoutingHints hints;
        try {
            String[] credentials = ClientAuthenticator.parseBasic(request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION));
            Optional<RoutingHints> accepted = ctx.authenticator().authenticate(credentials[0], credentials[1]);
            if (accepted.isEmpty()) {
                replyWithoutForwarding(request, FailureKind.AUTH_REQUIRED, "proxy authentication required");
                return;
            }
            hints = accepted.get().withHeaders(request.headers().get(SESSION_HEADER), request.headers().get(POOL_HEADER),
                    request.headers().getAll(TAG_HEADER));
        } catch (IllegalArgumentException e) {
            replyWithoutForwarding(request, FailureKind.BAD_REQUEST, e.getMessage());
            return;
        }
        if (request.method().equals(HttpMethod.CONNECT)) {
            onConnect(request, hints);
            return;
        }
        HttpMessages.AbsoluteUri uri;
        try {
            uri = HttpMessages.parseAbsolute(request.uri());
        } catch (IllegalArgumentException e) {
            replyWithoutForwarding(request, FailureKind.BAD_REQUEST, "bad request target: " + e.getMessage());
            return;
        }
        if (uri == null) {
            replyWithoutForwarding(request, FailureKind.BAD_REQUEST, "not a proxy request: send absolute-form requests"
                    + " (GET http://host/path) or CONNECT host:port");
            return;
        }
        ProxyRequest proxyRequest = new ProxyRequest(ProxyRequest.Protocol.HTTP, clientAddress, hints, uri.target());
        exchange = new HttpExchange(ctx, client, request, uri, proxyRequest, this::exchangeDone);
        exchange.start();
    }

    private void exchangeDone(boolean keepAlive, Future<Void> lastWrite) {
        exchange = null;
        if (keepAlive && !closeWhenDone) {
            deadline.arm(); // the next request is due
            client.resume();
        } else {
            lastWrite.onComplete(v -> client.close()); // closing earlier would drop what is still queued
        }
    }

    private void onConnect(HttpRequest request, RoutingHints hints) {
        HostAndPort target;
        try {
            target = HttpMessages.parseConnectTarget(request.uri());
        } catch (IllegalArgumentException e) {
            replyAndClose(FailureKind.BAD_REQUEST, "bad CONNECT target '" + request.uri() + "': " + e.getMessage());
            return;
        }
        // from here on the client's bytes are the tunnel's, not HTTP: stop decoding, keep the encoder for our answer.
        // Pause first: the decoder hands its leftover bytes on at once, and they must wait for the relay.
        client.pause();
        ((HttpServerCodec) client.pipeline().get(CODEC)).removeInboundHandler();
        tunneling = true;
        ProxyRequest proxyRequest = new ProxyRequest(ProxyRequest.Protocol.CONNECT, clientAddress, hints, target);
        TunnelStarter.start(ctx, client, proxyRequest, "CONNECT", tunnel -> {
            FullHttpResponse ok = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    new HttpResponseStatus(200, "Connection established"));
            ok.headers().set(ErrorReplies.UPSTREAM_HEADER, tunnel.upstream().name());
            return client.write(ok).map(v -> {
                client.removeCodec(CODEC);
                return (Void) null;
            });
        }, error -> {
            FullHttpResponse reply = ErrorReplies.http(error, false);
            client.write(reply).onComplete(v -> client.close());
        });
    }

    /** Answers a request the gateway will not forward; keeps the connection when the body can be skipped. */
    private void replyWithoutForwarding(HttpRequest request, FailureKind kind, String message) {
        boolean hasBody = HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !hasBody && !request.method().equals(HttpMethod.CONNECT);
        discardingBody = true;
        Future<Void> written = client.write(ErrorReplies.http(kind, message, keepAlive));
        if (!keepAlive) {
            written.onComplete(v -> client.close());
        } else {
            deadline.arm();
        }
    }

    private void replyAndClose(FailureKind kind, String message) {
        discardingBody = true;
        client.pause();
        client.write(ErrorReplies.http(kind, message, false)).onComplete(v -> client.close());
    }

    @Override
    public void onEvent(Object event) {
        if (event instanceof ChannelInputShutdownEvent && !tunneling) {
            // the client will send no more requests: finish the one in flight, then close
            closeWhenDone = true;
            if (exchange == null) {
                client.close();
            }
        }
        ReferenceCountUtil.release(event);
    }

    @Override
    public void onClose() {
        if (exchange != null) {
            exchange.clientClosed();
        }
    }
}
