package dev.rotagate.gateway.frontend;

import dev.rotagate.common.FailureKind;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.RoutingHints;
import dev.rotagate.gateway.forward.ErrorReplies;
import dev.rotagate.gateway.forward.GatewayContext;
import dev.rotagate.gateway.forward.HttpExchange;
import dev.rotagate.gateway.forward.HttpMessages;
import dev.rotagate.gateway.forward.ProxyRequest;
import dev.rotagate.gateway.forward.TunnelOpener;
import dev.rotagate.pool.connect.MessageSocket;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The REQUEST_HEAD phase of an HTTP client: reads one request head (Netty's decoder, framing checked by
 * {@link ClientHttpCodec}), authenticates it, reads its routing hints and target, and hands the connection on — to
 * an {@link HttpExchange} for an absolute-form request (each may leave through another upstream), to a
 * {@link TunnelOpener} for CONNECT — or answers it itself. A refused request without a body keeps the connection;
 * one with a body, or one the decoder could not read, is answered and the connection closed.
 */
final class HttpRequestReader implements MessageSocket.Listener {

    private static final String SESSION_HEADER = "X-Rotagate-Session";
    private static final String POOL_HEADER = "X-Rotagate-Pool";
    private static final String TAG_HEADER = "X-Rotagate-Tag";

    /** The context of the config now in force: each request routes with the latest reload. */
    private final Supplier<GatewayContext> contexts;
    private final ClientConnection connection;

    HttpRequestReader(Supplier<GatewayContext> contexts, ClientConnection connection) {
        this.contexts = contexts;
        this.connection = connection;
    }

    @Override
    public void onMessage(Object message) {
        if (message instanceof HttpRequest request) {
            onRequest(request);
        } else {
            // the end marker of a request answered without forwarding; anything else cannot belong here
            boolean endMarker = message instanceof LastHttpContent last && !last.content().isReadable();
            ReferenceCountUtil.release(message);
            if (!endMarker) {
                connection.closeWith(null);
            }
        }
    }

    private void onRequest(HttpRequest request) {
        GatewayContext ctx = contexts.get();
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            boolean tooLarge = cause instanceof TooLongFrameException;
            connection.closeWith(ErrorReplies.http(tooLarge ? FailureKind.REQUEST_TOO_LARGE : FailureKind.BAD_REQUEST,
                    tooLarge ? "request head too large (limit " + ctx.server().maxRequestHead() + " bytes)"
                            : "malformed request: " + cause.getMessage(), false));
            return;
        }
        RoutingHints hints;
        try {
            String[] credentials = ClientAuthenticator.parseBasic(request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION));
            Optional<RoutingHints> accepted = ctx.authenticator().authenticate(connection.entrance(),
                    connection.clientAddress(), credentials[0], credentials[1]);
            if (accepted.isEmpty()) {
                refuse(request, FailureKind.AUTH_REQUIRED, "proxy authentication required");
                return;
            }
            hints = connection.entrance().apply(accepted.get().withHeaders(request.headers().get(SESSION_HEADER),
                    request.headers().get(POOL_HEADER), request.headers().getAll(TAG_HEADER)));
        } catch (IllegalArgumentException e) {
            refuse(request, FailureKind.BAD_REQUEST, e.getMessage());
            return;
        }
        if (request.method().equals(HttpMethod.CONNECT)) {
            onConnect(ctx, request, hints);
            return;
        }
        HttpMessages.AbsoluteUri uri;
        try {
            uri = HttpMessages.parseAbsolute(request.uri());
        } catch (IllegalArgumentException e) {
            refuse(request, FailureKind.BAD_REQUEST, "bad request target: " + e.getMessage());
            return;
        }
        if (uri == null) {
            refuse(request, FailureKind.BAD_REQUEST, "not a proxy request: send absolute-form requests"
                    + " (GET http://host/path) or CONNECT host:port");
            return;
        }
        ProxyRequest proxyRequest = new ProxyRequest(ProxyRequest.Protocol.HTTP, connection.remoteAddress(), hints,
                uri.target(), connection.entrance().stats());
        HttpExchange.start(ctx, connection, request, uri, proxyRequest);
    }

    private void onConnect(GatewayContext ctx, HttpRequest request, RoutingHints hints) {
        HostAndPort target;
        try {
            target = HttpMessages.parseConnectTarget(request.uri());
        } catch (IllegalArgumentException e) {
            connection.closeWith(ErrorReplies.http(FailureKind.BAD_REQUEST, "bad CONNECT target: " + e.getMessage(), false));
            return;
        }
        ProxyRequest proxyRequest = new ProxyRequest(ProxyRequest.Protocol.CONNECT, connection.remoteAddress(), hints, target,
                connection.entrance().stats());
        TunnelOpener.open(ctx, connection, proxyRequest, "CONNECT", tunnel -> {
            FullHttpResponse ok = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, new HttpResponseStatus(200, "Connection established"));
            ok.headers().set(ErrorReplies.UPSTREAM_HEADER, tunnel.upstream().name());
            return connection.socket().write(ok);
        }, error -> ErrorReplies.http(error, false, ctx.server().fullErrorDetail()));
    }

    /** Answers a request the gateway does not forward; the connection stays when no body is left to skip. */
    private void refuse(HttpRequest request, FailureKind kind, String message) {
        boolean hasBody = HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !hasBody && !request.method().equals(HttpMethod.CONNECT)
                && !connection.overLimit();
        if (!keepAlive) {
            connection.closeWith(ErrorReplies.http(kind, message, false));
            return;
        }
        connection.socket().write(ErrorReplies.http(kind, message, true));
        connection.nextRequestDue();
    }

    @Override
    public void onInputShutdown() {
        connection.closeWith(null); // no request in flight, and no more will come
    }

    @Override
    public void onClose() {
    }
}
