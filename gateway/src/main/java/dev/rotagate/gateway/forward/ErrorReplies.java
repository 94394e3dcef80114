package dev.rotagate.gateway.forward;

import dev.rotagate.common.FailureKind;
import dev.rotagate.pool.connect.UpstreamFailure;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import java.nio.charset.StandardCharsets;

/** The one place that maps a failure to what the client sees: an HTTP status or a SOCKS5 reply code. */
public final class ErrorReplies {

    public static final String ERROR_HEADER = "X-Rotagate-Error";
    public static final String UPSTREAM_HEADER = "X-Rotagate-Upstream";

    private ErrorReplies() {
    }

    public static FailureKind kindOf(Throwable error) {
        if (error instanceof UpstreamFailure f) {
            return f.kind();
        }
        if (error instanceof GatewayError g) {
            return g.kind();
        }
        return FailureKind.INTERNAL;
    }

    public static HttpResponseStatus httpStatus(FailureKind kind) {
        return switch (kind) {
            case UPSTREAM_CONNECT_TIMEOUT, UPSTREAM_HANDSHAKE_TIMEOUT, RESPONSE_TIMEOUT -> HttpResponseStatus.GATEWAY_TIMEOUT;
            case NO_UPSTREAM, OVERLOADED -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            case RATE_LIMITED -> HttpResponseStatus.TOO_MANY_REQUESTS;
            case BAD_REQUEST, UNKNOWN_ROUTE -> HttpResponseStatus.BAD_REQUEST;
            case REQUEST_TOO_LARGE -> HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            case AUTH_REQUIRED -> HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED;
            case UNSUPPORTED -> HttpResponseStatus.NOT_IMPLEMENTED;
            case TARGET_DENIED -> HttpResponseStatus.FORBIDDEN;
            case INTERNAL -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
            default -> HttpResponseStatus.BAD_GATEWAY;
        };
    }

    public static Socks5CommandStatus socks5Status(FailureKind kind) {
        return switch (kind) {
            case TARGET_FORBIDDEN, TARGET_DENIED, AUTH_REQUIRED, UNKNOWN_ROUTE -> Socks5CommandStatus.FORBIDDEN;
            case UPSTREAM_REFUSED, UPSTREAM_UNRESOLVED -> Socks5CommandStatus.NETWORK_UNREACHABLE;
            case TARGET_UNREACHABLE, BAD_REQUEST -> Socks5CommandStatus.HOST_UNREACHABLE; // a target the gateway refuses
            case TARGET_REFUSED -> Socks5CommandStatus.CONNECTION_REFUSED;
            case UPSTREAM_CONNECT_TIMEOUT, UPSTREAM_HANDSHAKE_TIMEOUT, RESPONSE_TIMEOUT -> Socks5CommandStatus.TTL_EXPIRED;
            case UNSUPPORTED -> Socks5CommandStatus.COMMAND_UNSUPPORTED;
            default -> Socks5CommandStatus.FAILURE;
        };
    }

    /** A gateway-made response: status, {@code X-Rotagate-Error}, and a one-line plain-text body. */
    public static FullHttpResponse http(FailureKind kind, String message, boolean keepAlive) {
        HttpResponseStatus status = httpStatus(kind);
        byte[] body = ("rotagate: " + message + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(ERROR_HEADER, kind.code())
                .set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        if (kind == FailureKind.AUTH_REQUIRED) {
            response.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, "Basic realm=\"rotagate\"");
        }
        if (kind == FailureKind.NO_UPSTREAM || kind == FailureKind.OVERLOADED || kind == FailureKind.RATE_LIMITED) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        }
        return response;
    }

    /** {@code fullDetail} ({@code server.error-detail: full}): name upstreams by URL (password masked), not by name only. */
    public static FullHttpResponse http(Throwable error, boolean keepAlive, boolean fullDetail) {
        String message = error instanceof UpstreamFailure f && !fullDetail ? f.clientMessage() : String.valueOf(error.getMessage());
        return http(kindOf(error), message, keepAlive);
    }
}
