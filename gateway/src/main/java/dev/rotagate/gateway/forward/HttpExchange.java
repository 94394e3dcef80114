package dev.rotagate.gateway.forward;

import dev.rotagate.common.Durations;
import dev.rotagate.common.FailureKind;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.connect.FailureClassifier;
import dev.rotagate.pool.connect.HttpConnection;
import dev.rotagate.pool.connect.MessageSocket;
import dev.rotagate.pool.connect.UpstreamFailure;
import dev.rotagate.pool.resilience.Attempt;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One plain HTTP request and its response, relayed as Netty objects between the client and a keep-alive
 * connection through the chosen upstream. Backpressure both ways: a full write queue pauses the reader.
 *
 * <p>Until the first response byte the request is kept (up to {@link #REPLAY_LIMIT} bytes of body), so that it can
 * be sent again: on a fresh connection when a pooled one turns out dead (tinyproxy closes idle keep-alive
 * connections without saying so), on another upstream after a proxy fault (within the retry budget), or on another
 * upstream when the response is a ban and {@code bans.retry} is on.
 */
public final class HttpExchange {

    static final int REPLAY_LIMIT = 64 * 1024;
    /** How much of a response body is searched for ban patterns. */
    private static final int BODY_SCAN_LIMIT = 64 * 1024;
    /** Methods that may be sent again after the upstream may have seen them (RFC 9110 §9.2.2). */
    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.TRACE, HttpMethod.PUT, HttpMethod.DELETE);

    private enum State { SELECTING, CONNECTING, SENDING, AWAITING_RESPONSE, RESPONDING, DONE }

    private final GatewayContext ctx;
    private final MessageSocket client;
    private final HttpRequest request;
    private final HttpMessages.AbsoluteUri uri;
    private final ProxyRequest proxyRequest;
    private final boolean clientKeepAlive;
    private final boolean expectsBody;
    private final BiConsumer<Boolean, Future<Void>> onDone;
    private final long startNanos = System.nanoTime();

    private State state = State.SELECTING;
    private Dispatcher.Selection selection;
    private Attempt attempt;
    private Upstream upstream;
    private HttpConnection connection;
    private final List<Upstream> tried = new ArrayList<>(3);
    private boolean inRetryBudget;
    private boolean staleRetried;
    private boolean banRetried;
    private boolean requestComplete;
    private boolean sentOnce;
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
    private Future<Void> lastWrite = Future.succeededFuture();
    /**
     * A response head not written yet: if the whole answer came in one read, head and body go out as one message
     * with one flush (a small answer otherwise costs the client two packets).
     */
    private HttpResponse heldHead;
    /** Bytes of the response body still to be searched for ban patterns. */
    private int bodyToScan;

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
        ctx.dispatcher().budget().requestStarted();
        selectUpstream(null);
    }

    /** Picks an upstream not tried yet; {@code previous} is the failure that made this a retry. */
    private void selectUpstream(Throwable previous) {
        state = State.SELECTING;
        ctx.dispatcher().select(proxyRequest, tried).onComplete(ar -> {
            if (state == State.DONE) {
                if (ar.succeeded()) {
                    ar.result().attempt().finish(0, 0);
                }
                return;
            }
            if (ar.failed()) {
                fail(previous != null ? previous : ar.cause());
                return;
            }
            selection = ar.result();
            attempt = selection.attempt();
            upstream = attempt.upstream();
            connect(false);
        });
    }

    private void connect(boolean fresh) {
        state = State.CONNECTING;
        var pool = ctx.httpConnections();
        (fresh ? pool.fresh(upstream, uri.target(), selection.session())
                : pool.acquire(client.eventLoop(), upstream, uri.target(), selection.session(), selection.sessionIsFresh()))
                .onComplete(ar -> {
                    if (state == State.DONE) {
                        if (ar.succeeded()) {
                            ar.result().socket().close();
                        }
                    } else if (ar.failed()) {
                        upstreamFailed(FailureClassifier.classify(ar.cause(), upstream, uri.target()), false);
                    } else {
                        send(ar.result());
                    }
                });
    }

    private void send(HttpConnection c) {
        connection = c;
        MessageSocket s = c.socket();
        s.messageHandler(this::onUpstreamMessage);
        s.readCompletionHandler(v -> flushHeldHead());
        s.closeHandler(v -> onUpstreamClosed());
        s.exceptionHandler(e -> { }); // the close that follows decides
        state = requestComplete ? State.AWAITING_RESPONSE : State.SENDING;
        s.write(HttpMessages.forUpstream(request, uri, c.absoluteForm(), upstream.proxyAuthorization(selection.session())));
        if (sentOnce) {
            // a replay: everything received so far is in kept; the pending originals are copies of it
            kept.forEach(part -> s.write(part.retainedDuplicate()));
            pending.forEach(ReferenceCountUtil::release);
        } else {
            pending.forEach(s::write);
        }
        pending.clear();
        sentOnce = true;
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
                dropReplay(); // too large to hold: this request is not sent twice
            }
        }
        if (connection == null || state == State.SELECTING || state == State.CONNECTING) {
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
        if (msg instanceof HttpContent part) {
            if (state == State.RESPONDING) {
                onResponseContent(part);
            } else {
                ReferenceCountUtil.release(part); // the rest of an answer that was not passed on
            }
        }
    }

    private void onResponseHead(HttpResponse response) {
        cancelResponseTimer();
        if (response.decoderResult().isFailure()) {
            upstreamFailed(new UpstreamFailure(FailureKind.UPSTREAM_ERROR, upstream, uri.target(),
                    "malformed response from the upstream: " + response.decoderResult().cause().getMessage(), null), true);
            return;
        }
        int code = response.status().code();
        if (state != State.RESPONDING && connection.absoluteForm() && FailureClassifier.isUpstreamAuthRefusal(code,
                response.headers().get(HttpHeaderNames.WWW_AUTHENTICATE))) {
            upstreamFailed(new UpstreamFailure(FailureKind.UPSTREAM_AUTH, upstream, uri.target(),
                    "upstream refused the credentials (" + response.status() + ")", null), true);
            return;
        }
        FailureKind proxyMade = state != State.RESPONDING && connection.absoluteForm() && code >= 400
                ? FailureClassifier.proxyMadeAnswer(code, response.headers()) : null;
        if (proxyMade != null) {
            upstreamFailed(new UpstreamFailure(proxyMade, upstream, uri.target(), "upstream answered " + response.status()
                    + describeProxyError(response), null), true);
            return;
        }
        informational = response.status().codeClass() == HttpStatusClass.INFORMATIONAL && code != 101;
        if (!informational) {
            attempt.succeeded();
            if (ctx.bansConfig().statuses().contains(code) && banned(code)) {
                return;
            }
            status = code;
            bodyToScan = ctx.bansConfig().bodyPatterns().isEmpty() ? 0 : BODY_SCAN_LIMIT;
            upstreamKeepAlive = HttpUtil.isKeepAlive(response);
            responseKeepAlive = HttpMessages.prepareResponse(response, request, clientKeepAlive, upstream.name());
        }
        dropReplay();
        state = State.RESPONDING;
        if (informational) {
            client.write(response);
        } else {
            heldHead = response;
        }
    }

    /** The upstream read ended with the head alone: send it now. */
    private void flushHeldHead() {
        if (heldHead != null) {
            lastWrite = client.write(heldHead);
            heldHead = null;
        }
    }

    private static String describeProxyError(HttpResponse response) {
        String squid = response.headers().get("X-Squid-Error");
        String status = response.headers().get("Proxy-Status");
        return squid != null ? " (" + squid + ")" : status != null ? " (" + status + ")" : "";
    }

    /** Bans this (upstream, target host) pair and logs it. */
    private void banTarget(int code) {
        long cooldown = ctx.domainBans().ban(upstream, uri.target().host());
        ctx.accessLog().ban(upstream.name(), uri.target().host(), code, cooldown);
    }

    /** A block page served with a normal status: ban the pair (the client still gets the page). */
    private void scanForBlockPage(HttpContent part) {
        var content = part.content();
        int n = Math.min(bodyToScan, content.readableBytes());
        bodyToScan -= n;
        String text = content.toString(content.readerIndex(), n, java.nio.charset.StandardCharsets.UTF_8);
        for (var pattern : ctx.bansConfig().bodyPatterns()) {
            if (pattern.matcher(text).find()) {
                bodyToScan = 0;
                banTarget(status);
                return;
            }
        }
    }

    /** The site blocked this exit: ban the pair; with bans.retry try once elsewhere. True when retrying. */
    private boolean banned(int code) {
        banTarget(code);
        if (!ctx.bansConfig().retry() || banRetried || !replayable || !requestComplete) {
            return false;
        }
        banRetried = true;
        retryElsewhere(null, true);
        return true;
    }

    private void onResponseContent(HttpContent part) {
        bytesDown += part.content().readableBytes();
        if (bodyToScan > 0) {
            scanForBlockPage(part);
        }
        boolean last = part instanceof LastHttpContent;
        MessageSocket s = connection.socket();
        if (heldHead != null && part instanceof LastHttpContent lastPart) {
            lastWrite = client.write(new DefaultFullHttpResponse(heldHead.protocolVersion(), heldHead.status(),
                    lastPart.content(), heldHead.headers(), lastPart.trailingHeaders()));
            heldHead = null;
        } else {
            flushHeldHead();
            lastWrite = client.write(part);
        }
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
        s.readCompletionHandler(null);
        s.messageHandler(ReferenceCountUtil::release);
        if (upstreamKeepAlive && requestComplete) {
            ctx.httpConnections().release(connection);
        } else {
            s.close();
        }
        end();
        ctx.accessLog().log(proxyRequest, request.method().name(), upstream.name(), status, bytesUp, bytesDown, startNanos, null);
        // an unfinished request body cannot be skipped reliably: close rather than misread it as the next request
        onDone.accept(responseKeepAlive && requestComplete, lastWrite);
    }

    private void onUpstreamClosed() {
        if (state == State.DONE) {
            return;
        }
        if (state != State.RESPONDING) {
            if (connection.reused() && replayable && !staleRetried) {
                staleRetried = true; // the pooled connection was dead before we used it: one fresh try, same upstream
                connection = null;
                connect(true);
                return;
            }
            upstreamFailed(new UpstreamFailure(FailureKind.UPSTREAM_ERROR, upstream, uri.target(),
                    "upstream closed the connection before answering", null), true);
            return;
        }
        // mid-response: the client has a partial answer; closing is the only honest signal left
        abort("upstream-closed-mid-response");
    }

    /**
     * A proxy fault before any response byte: counted against the upstream, then retried on another upstream when
     * the request can be sent again ({@code maybeSent}: only idempotent methods) and the retry budget allows.
     */
    private void upstreamFailed(UpstreamFailure failure, boolean maybeSent) {
        attempt.failed(failure.kind(), failure);
        boolean canResend = replayable && (!maybeSent || IDEMPOTENT.contains(request.method()));
        if (failure.kind().isProxyFault() && canResend && tried.size() + 1 < ctx.dispatcher().maxAttempts()
                && (inRetryBudget || ctx.dispatcher().budget().tryStartRetry())) {
            inRetryBudget = true;
            retryElsewhere(failure, false);
            return;
        }
        fail(failure);
    }

    private void retryElsewhere(Throwable cause, boolean afterBan) {
        cancelResponseTimer();
        if (connection != null) {
            connection.socket().messageHandler(ReferenceCountUtil::release);
            connection.socket().closeHandler(null);
            connection.socket().close();
            connection = null;
        }
        tried.add(upstream);
        attempt.finish(0, 0);
        attempt = null;
        staleRetried = false;
        selectUpstream(afterBan ? null : cause);
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
        end();
        ctx.accessLog().log(proxyRequest, request.method().name(), upstream == null ? null : upstream.name(), status,
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
        if (attempt != null) {
            attempt.failed(kind, error);
        }
        end();
        // without a body the rest of the request is only its end marker: the connection can serve the next one
        boolean keepAlive = clientKeepAlive && (requestComplete || !expectsBody);
        ctx.accessLog().log(proxyRequest, request.method().name(), upstream == null ? null : upstream.name(),
                ErrorReplies.httpStatus(kind).code(), bytesUp, 0, startNanos, kind.code());
        onDone.accept(keepAlive, client.write(ErrorReplies.http(error, keepAlive)));
    }

    /** Gives back the upstream's slot and the request's places in the retry budget. */
    private void end() {
        if (attempt != null) {
            attempt.finish(bytesDown, bytesUp);
        }
        if (inRetryBudget) {
            ctx.dispatcher().budget().retryEnded();
        }
        ctx.dispatcher().budget().requestEnded();
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
            if (state == State.AWAITING_RESPONSE || (state == State.RESPONDING && informational)) {
                upstreamFailed(new UpstreamFailure(FailureKind.RESPONSE_TIMEOUT, upstream, uri.target(),
                        "no response within " + Durations.format(ctx.timeouts().response()), null), state != State.RESPONDING);
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
