package dev.rotagate.gateway.forward;

import dev.rotagate.common.FailureKind;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.connect.FailureClassifier;
import dev.rotagate.pool.connect.HttpConnection;
import dev.rotagate.pool.connect.MessageSocket;
import dev.rotagate.pool.connect.UpstreamFailure;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import io.vertx.core.Future;
import java.util.function.BiConsumer;

/**
 * One plain HTTP request and its response, relayed as Netty objects between the client and a keep-alive
 * connection through the chosen upstream. Backpressure both ways: a full write queue pauses the reader.
 *
 * <p>Until the first response byte the request is kept (up to {@link #REPLAY_LIMIT} bytes of body) so that a
 * pooled connection the upstream closed without saying so (tinyproxy does) is retried on a fresh connection
 * instead of failing the client.
 */
public final class HttpExchange {

    static final int REPLAY_LIMIT = 64 * 1024;

    private enum State { SELECTING, CONNECTING, SENDING, AWAITING_RESPONSE, RESPONDING, DONE }

    private final GatewayContext ctx;
    private final MessageSocket client;
    private final HttpRequest request;
    private final HttpMessages.AbsoluteUri uri;
    private final ProxyRequest proxyRequest;
    private final boolean clientKeepAlive;
    private final boolean expectsBody;
    private final BiConsumer<Boolean, Future<Void>> onDone;
    private Future<Void> lastWrite = Future.succeededFuture();
    private final long startNanos = System.nanoTime();

    private State state = State.SELECTING;
    private Upstream upstream;
    private Dispatcher.Selection selection;
    private HttpConnection connection;
    private boolean prepared;
    private boolean requestComplete;
    private boolean retried;
    /** Request body parts that arrived before a connection was ready; written by {@link #send}. */
    private final List<HttpContent> pending = new ArrayList<>();
    /** Copies of every request body part while a replay is still possible. */
    private final List<HttpContent> kept = new ArrayList<>();
    private long keptBytes;
    private boolean replayable = true;
    private boolean informational;
    private boolean upstreamKeepAlive;
    private boolean responseKeepAlive;
    private int status;
    private long bytesUp;
    private long bytesDown;
    private long responseTimer = -1;

    /**
     * @param onDone called once with whether the client connection may serve another request, and the write of
     *               the last response part (close only after it)
     */
    public HttpExchange(GatewayContext ctx, MessageSocket client, HttpRequest request, HttpMessages.AbsoluteUri uri,
                        ProxyRequest proxyRequest, BiConsumer<Boolean, Future<Void>> onDone) {
        this.ctx = ctx;
        this.client = client;
        this.request = request;
        this.uri = uri;
        this.proxyRequest = proxyRequest;
        this.clientKeepAlive = HttpUtil.isKeepAlive(request);
        this.expectsBody = HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
        this.onDone = onDone;
    }

    public void start() {
        client.pause();
        ctx.dispatcher().select(proxyRequest).onComplete(ar -> {
            if (ar.failed()) {
                fail(ar.cause());
                return;
            }
            selection = ar.result();
            upstream = selection.upstream();
            connect(false);
        });
    }

    private void connect(boolean fresh) {
        if (state == State.DONE) {
            return;
        }
        state = State.CONNECTING;
        var pool = ctx.httpConnections();
        (fresh ? pool.fresh(upstream, uri.target(), selection.session())
                : pool.acquire(client.eventLoop(), upstream, uri.target(), selection.session(), selection.sessionIsFresh()))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        fail(ar.cause());
                    } else if (state == State.DONE) {
                        ar.result().socket().close();
                    } else {
                        send(ar.result());
                    }
                });
    }

    private void send(HttpConnection c) {
        connection = c;
        MessageSocket s = c.socket();
        s.messageHandler(this::onUpstreamMessage);
        s.closeHandler(v -> onUpstreamClosed());
        s.exceptionHandler(e -> { }); // the close that follows decides
        if (!prepared) {
            HttpMessages.prepareRequest(request, uri, c.absoluteForm(), upstream.url(),
                    upstream.usernameFor(selection.session()));
            prepared = true;
        }
        state = requestComplete ? State.AWAITING_RESPONSE : State.SENDING;
        s.write(request);
        if (retried) {
            // a replay: everything received so far is in kept; the pending originals are copies of it
            kept.forEach(part -> s.write(part.retainedDuplicate()));
            pending.forEach(ReferenceCountUtil::release);
        } else {
            pending.forEach(s::write);
        }
        pending.clear();
        s.resume();
        if (requestComplete) {
            startResponseTimer();
        } else {
            client.resume();
        }
    }

    /** A part of the request body from the client. */
    public void onClientContent(HttpContent part) {
        if (state == State.DONE) {
            ReferenceCountUtil.release(part);
            return;
        }
        int size = part.content().readableBytes();
        bytesUp += size;
        boolean last = part instanceof LastHttpContent;
        if (replayable) {
            if (keptBytes + size <= REPLAY_LIMIT) {
                keptBytes += size;
                kept.add(part.retainedDuplicate());
            } else {
                dropReplay(); // too large to hold: this request is not retried
            }
        }
        if (connection == null) {
            pending.add(part);
        } else {
            MessageSocket s = connection.socket();
            s.write(part);
            if (s.writeQueueFull()) {
                client.pause();
                s.drainHandler(v -> client.resume());
            }
        }
        if (last) {
            requestComplete = true;
            client.pause(); // a pipelined next request waits until this response is done
            if (state == State.SENDING) {
                state = State.AWAITING_RESPONSE;
                startResponseTimer();
            }
        }
    }

    private void onUpstreamMessage(Object msg) {
        if (state == State.DONE) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse response) {
            onResponseHead(response);
        }
        if (msg instanceof HttpContent part && state != State.DONE) {
            onResponseContent(part);
        } else if (!(msg instanceof HttpResponse)) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onResponseHead(HttpResponse response) {
        cancelResponseTimer();
        if (response.decoderResult().isFailure()) {
            fail(new UpstreamFailure(FailureKind.UPSTREAM_ERROR, upstream, uri.target(),
                    "malformed response from the upstream: " + response.decoderResult().cause().getMessage(), null));
            return;
        }
        int code = response.status().code();
        if (state != State.RESPONDING && connection.absoluteForm() && FailureClassifier.isUpstreamAuthRefusal(code,
                response.headers().get(HttpHeaderNames.WWW_AUTHENTICATE))) {
            fail(new UpstreamFailure(FailureKind.UPSTREAM_AUTH, upstream, uri.target(),
                    "upstream refused the credentials (" + response.status() + ")", null));
            return;
        }
        dropReplay();
        informational = response.status().codeClass() == HttpStatusClass.INFORMATIONAL && code != 101;
        if (!informational) {
            status = code;
            upstreamKeepAlive = HttpUtil.isKeepAlive(response);
            responseKeepAlive = HttpMessages.prepareResponse(response, request, clientKeepAlive, upstream.name());
        }
        state = State.RESPONDING;
        client.write(response);
    }

    private void onResponseContent(HttpContent part) {
        bytesDown += part.content().readableBytes();
        boolean last = part instanceof LastHttpContent;
        MessageSocket s = connection.socket();
        lastWrite = client.write(part);
        if (client.writeQueueFull()) {
            s.pause();
            client.drainHandler(v -> s.resume());
        }
        if (last) {
            if (informational) {
                informational = false;
                startResponseTimer();
            } else {
                complete();
            }
        }
    }

    private void complete() {
        state = State.DONE;
        cancelResponseTimer();
        MessageSocket s = connection.socket();
        s.closeHandler(null);
        s.messageHandler(ReferenceCountUtil::release);
        if (upstreamKeepAlive && requestComplete) {
            ctx.httpConnections().release(connection);
        } else {
            s.close();
        }
        upstream.finished(bytesDown, bytesUp);
        AccessLog.log(proxyRequest, request.method().name(), upstream.name(), status, bytesUp, bytesDown, startNanos, null);
        // an unfinished request body cannot be skipped reliably: close rather than misread it as the next request
        onDone.accept(responseKeepAlive && requestComplete, lastWrite);
    }

    private void onUpstreamClosed() {
        if (state == State.DONE) {
            return;
        }
        if (state != State.RESPONDING) {
            if (connection.reused() && replayable && !retried) {
                retried = true; // the pooled connection was dead before we used it: one fresh try, same upstream
                connection = null;
                connect(true);
                return;
            }
            fail(new UpstreamFailure(FailureKind.UPSTREAM_ERROR, upstream, uri.target(),
                    "upstream closed the connection before answering", null));
            return;
        }
        // mid-response: the client has a partial answer; closing is the only honest signal left
        abort("upstream-closed-mid-response");
    }

    /** The client went away: stop, and do not pool a connection with a half-done exchange. */
    public void clientClosed() {
        if (state == State.DONE) {
            return;
        }
        abort("client-closed");
    }

    private void abort(String reason) {
        state = State.DONE;
        cancelResponseTimer();
        releaseAll();
        if (connection != null) {
            connection.socket().close();
        }
        if (upstream != null) {
            upstream.finished(bytesDown, bytesUp);
        }
        AccessLog.log(proxyRequest, request.method().name(), upstream == null ? null : upstream.name(), status,
                bytesUp, bytesDown, startNanos, reason);
        client.close();
        onDone.accept(false, Future.succeededFuture());
    }

    private void fail(Throwable error) {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        cancelResponseTimer();
        releaseAll();
        if (connection != null) {
            connection.socket().close();
        }
        FailureKind kind = ErrorReplies.kindOf(error);
        if (upstream != null) {
            if (kind.isProxyFault()) {
                upstream.failed();
            }
            upstream.finished(bytesDown, bytesUp);
        }
        // without a body the rest of the request is only its end marker: the connection can serve the next one
        boolean keepAlive = clientKeepAlive && (requestComplete || !expectsBody);
        AccessLog.log(proxyRequest, request.method().name(), upstream == null ? null : upstream.name(),
                ErrorReplies.httpStatus(kind).code(), bytesUp, 0, startNanos, kind.code());
        onDone.accept(keepAlive, client.write(ErrorReplies.http(error, keepAlive)));
    }

    private void dropReplay() {
        kept.forEach(ReferenceCountUtil::release);
        kept.clear();
        replayable = false;
    }

    private void releaseAll() {
        dropReplay();
        pending.forEach(ReferenceCountUtil::release);
        pending.clear();
    }

    private void startResponseTimer() {
        cancelResponseTimer();
        responseTimer = ctx.vertx().setTimer(ctx.timeouts().response().toMillis(), id -> {
            responseTimer = -1;
            if (state == State.AWAITING_RESPONSE || informational) {
                fail(new UpstreamFailure(FailureKind.RESPONSE_TIMEOUT, upstream, uri.target(),
                        "no response within " + dev.rotagate.common.Durations.format(ctx.timeouts().response()), null));
            }
        });
    }

    private void cancelResponseTimer() {
        if (responseTimer >= 0) {
            ctx.vertx().cancelTimer(responseTimer);
            responseTimer = -1;
        }
    }
}
