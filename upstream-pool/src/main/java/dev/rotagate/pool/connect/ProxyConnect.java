package dev.rotagate.pool.connect;

import dev.rotagate.common.HostAndPort;
import dev.rotagate.pool.Upstream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.proxy.HttpProxyHandler.HttpProxyConnectException;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP CONNECT handshake on a connection that is already open: to an {@code https://} upstream, inside TLS.
 * Netty's {@code HttpProxyHandler} cannot do this one, because it must be in the pipeline before the TCP connect,
 * which puts it below the TLS handler. Netty's {@link HttpClientCodec} writes the request and reads the answer; its
 * failures are Netty's proxy exceptions with Netty's message shape, so {@link FailureClassifier} reads them as it
 * reads the handler's. What the upstream sends right after its 2xx waits in the socket for the tunnel's owner.
 */
final class ProxyConnect implements MessageSocket.Listener {

    private static final String CODEC = "proxy-connect";

    private enum State { AWAITING_ANSWER, AWAITING_INTERIM_END, AWAITING_END, DONE }

    private final MessageSocket socket;
    private final Upstream via;
    private final HostAndPort target;
    private final Promise<MessageSocket> result = Promise.promise();
    private State state = State.AWAITING_ANSWER;
    private ScheduledFuture<?> timeout;

    private ProxyConnect(MessageSocket socket, Upstream via, HostAndPort target) {
        this.socket = socket;
        this.via = via;
        this.target = target;
    }

    /** A tunnel to {@code target}: the socket, paused and past the handshake, or a failure of Netty's kinds. */
    static Future<MessageSocket> open(MessageSocket socket, Upstream via, HostAndPort target, String session,
                                      Duration timeout) {
        ProxyConnect handshake = new ProxyConnect(socket, via, target);
        if (socket.eventLoop().inEventLoop()) {
            handshake.start(session, timeout);
        } else {
            socket.eventLoop().execute(() -> handshake.start(session, timeout));
        }
        return handshake.result.future();
    }

    private void start(String session, Duration timeoutAfter) {
        socket.addCodec(CODEC, new HttpClientCodec());
        socket.listen(this);
        timeout = socket.eventLoop().schedule(() -> fail(new ProxyConnectException(message("timeout"))),
                timeoutAfter.toMillis(), TimeUnit.MILLISECONDS);
        DefaultFullHttpRequest connect = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.CONNECT,
                target.toString(), Unpooled.EMPTY_BUFFER);
        connect.headers().set(HttpHeaderNames.HOST, target.toString());
        String authorization = via.proxyAuthorization(session);
        if (authorization != null) {
            connect.headers().set(HttpHeaderNames.PROXY_AUTHORIZATION, authorization);
        }
        socket.write(connect);
        socket.resume(this);
    }

    @Override
    public void onMessage(Object message) {
        try {
            if (state == State.DONE) {
                return;
            }
            if (message instanceof HttpObject o && o.decoderResult().isFailure()) {
                fail(new ProxyConnectException(message("bad answer: " + o.decoderResult().cause().getMessage())));
            } else if (state == State.AWAITING_ANSWER && message instanceof HttpResponse answer) {
                answered(answer);
            } else if (message instanceof LastHttpContent) {
                if (state == State.AWAITING_INTERIM_END) {
                    state = State.AWAITING_ANSWER;
                } else if (state == State.AWAITING_END) {
                    established();
                }
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    private void answered(HttpResponse answer) {
        HttpResponseStatus status = answer.status();
        if (status.codeClass() == HttpStatusClass.INFORMATIONAL) {
            state = State.AWAITING_INTERIM_END;
        } else if (status.code() == HttpResponseStatus.OK.code()) {
            state = State.AWAITING_END; // the codec ends a CONNECT's 200 at once; bytes after it pass raw
        } else if (status.codeClass() == HttpStatusClass.SUCCESS) {
            // the codec would read another 2xx's body until the close; Netty's HttpProxyHandler also wants 200
            fail(new ProxyConnectException(message("bad answer: " + status + " to CONNECT (expected: 200)")));
        } else {
            fail(new HttpProxyConnectException(message("status: " + status), answer.headers()));
        }
    }

    private void established() {
        state = State.DONE;
        timeout.cancel(false);
        socket.pause(this); // what the upstream sent after its answer waits, raw, for the tunnel's owner
        socket.removeCodec(CODEC);
        result.complete(socket);
    }

    @Override
    public void onClose() {
        fail(new ProxyConnectException(message("disconnected")));
    }

    private void fail(Throwable cause) {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        if (timeout != null) {
            timeout.cancel(false);
        }
        socket.close();
        result.tryFail(cause);
    }

    /** Netty's proxy handlers' shape: {@code protocol, auth, proxy => target, what}. */
    private String message(String what) {
        return "https, " + (via.url().hasCredentials() ? "basic" : "none") + ", " + via.url().address() + " => " + target
                + ", " + what;
    }
}
