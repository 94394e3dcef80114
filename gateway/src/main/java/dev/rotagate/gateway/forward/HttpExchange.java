package dev.rotagate.gateway.forward;

import dev.rotagate.common.Durations;
import dev.rotagate.common.FailureKind;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.connect.FailureClassifier;
import dev.rotagate.pool.connect.HttpConnection;
import dev.rotagate.pool.connect.MessageSocket;
import dev.rotagate.pool.connect.UpstreamFailure;
import dev.rotagate.pool.resilience.Attempt;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/**
 * The EXCHANGE phase: one plain HTTP request and its response, relayed as Netty objects between the client and a
 * connection through the chosen upstream, with backpressure both ways.
 *
 * <p>Who owns what: the exchange owns the client socket (as {@link #clientSide}) from its start until it hands the
 * client back — for the next request, to close, or to a {@link Relay} after a 101 — and owns one upstream connection
 * per attempt (an {@link UpstreamSide}; a callback of an earlier attempt finds itself stale and does nothing). The
 * client is read only while the request body can go somewhere ({@code SENDING}, upstream not full), so a request
 * pipelined behind this one waits in the client's socket, and a replay is never interleaved with new body parts.
 * An upstream connection goes back to its pool only after a clean end: response read to its end, request sent whole,
 * keep-alive on both sides.
 */
public final class HttpExchange {

    private enum State { SELECTING, CONNECTING, SENDING, AWAITING_RESPONSE, RESPONDING, DONE }

    private final GatewayContext ctx;
    private final ClientLink client;
    private final HttpRequest request;
    private final HttpMessages.AbsoluteUri uri;
    private final ProxyRequest proxyRequest;
    private final long startNanos = System.nanoTime();
    private final RequestReplay replay = new RequestReplay();
    private final RetryPolicy retries;
    private final ResponseRelay response;
    private final MessageSocket.Listener clientSide = new ClientSide();
    private State state = State.SELECTING;
    private Dispatcher.Selection selection;
    private Attempt attempt;
    private Upstream upstream;
    private UpstreamSide current;
    private long bytesUp;
    private ScheduledFuture<?> responseTimer;

    public HttpExchange(GatewayContext ctx, ClientLink client, HttpRequest request, HttpMessages.AbsoluteUri uri,
                        ProxyRequest proxyRequest) {
        this.ctx = ctx;
        this.client = client;
        this.request = request;
        this.uri = uri;
        this.proxyRequest = proxyRequest;
        this.retries = new RetryPolicy(ctx.dispatcher(), request.method());
        this.response = new ResponseRelay(client.socket(), request, ctx.bansConfig().bodyPatterns(), this::blockPage);
    }

    public void start() {
        client.enterExchange(clientSide);
        ctx.dispatcher().budget().requestStarted();
        select(null);
    }

    /** Picks an upstream not tried yet; {@code previous} is the failure that made this a retry. */
    private void select(Throwable previous) {
        state = State.SELECTING;
        updateClientReading();
        ctx.dispatcher().select(proxyRequest, retries.tried()).onComplete(ar -> {
            if (state == State.DONE) {
                if (ar.succeeded()) {
                    ar.result().attempt().finish(0, 0);
                }
            } else if (ar.failed()) {
                fail(previous != null ? previous : ar.cause());
            } else {
                selection = ar.result();
                attempt = selection.attempt();
                upstream = attempt.upstream();
                connect(false);
            }
        });
    }

    private void connect(boolean fresh) {
        state = State.CONNECTING;
        var pool = ctx.httpConnections();
        (fresh ? pool.fresh(upstream, uri.target(), selection.session())
                : pool.acquire(client.socket().eventLoop(), upstream, uri.target(), selection.session(), selection.sessionIsFresh()))
                .onComplete(ar -> {
                    if (state == State.DONE) {
                        if (ar.succeeded()) {
                            ar.result().socket().close();
                        }
                    } else if (ar.failed()) {
                        upstreamFailed(FailureClassifier.classify(ar.cause(), upstream, uri.target()), false);
                    } else {
                        send(new UpstreamSide(ar.result()));
                    }
                });
    }

    /** The head and every body part kept so far go to the new connection; then the client may send the rest. */
    private void send(UpstreamSide side) {
        current = side;
        MessageSocket s = side.connection.socket();
        s.listen(side);
        side.headWrite = s.write(HttpMessages.forUpstream(request, uri, side.connection.absoluteForm(),
                upstream.proxyAuthorization(selection.session())));
        replay.writeTo(s);
        state = replay.complete() ? State.AWAITING_RESPONSE : State.SENDING;
        if (state == State.AWAITING_RESPONSE) {
            startResponseTimer();
        }
        s.resume(side);
        updateClientReading();
    }

    /** The client is read while the body can go on to a connection that has room. */
    private void updateClientReading() {
        MessageSocket c = client.socket();
        if (state == State.SENDING && !current.connection.socket().writeQueueFull()) {
            c.resume(clientSide);
        } else {
            c.pause(clientSide);
        }
    }

    private void onClientContent(HttpContent part) {
        int size = part.content().readableBytes();
        bytesUp += size;
        replay.add(part);
        current.connection.socket().write(part);
        if (replay.complete() && state == State.SENDING) {
            state = State.AWAITING_RESPONSE;
            startResponseTimer();
        }
        updateClientReading();
    }

    private void onResponseHead(UpstreamSide side, HttpResponse head) {
        cancelResponseTimer();
        if (head.decoderResult().isFailure()) {
            upstreamFailed(failure(FailureKind.UPSTREAM_ERROR, "malformed response: " + head.decoderResult().cause().getMessage()), true);
            return;
        }
        int code = head.status().code();
        if (side.connection.absoluteForm() && state != State.RESPONDING) {
            if (FailureClassifier.isUpstreamAuthRefusal(code, head.headers().get(HttpHeaderNames.WWW_AUTHENTICATE))) {
                upstreamFailed(failure(FailureKind.UPSTREAM_AUTH, "upstream refused the credentials (" + head.status() + ")"), true);
                return;
            }
            FailureKind proxyMade = code >= 400 ? FailureClassifier.proxyMadeAnswer(code, head.headers()) : null;
            if (proxyMade != null) {
                upstreamFailed(failure(proxyMade, "upstream answered " + head.status() + proxyErrorOf(head)), true);
                return;
            }
        }
        if (code == 101) {
            if (HttpMessages.asksToUpgrade(request)) {
                new ProtocolSwitch(ctx, client, proxyRequest, request.method().name(), attempt, startNanos).start(head, side.connection, upstream);
                state = State.DONE; // the switch owns both sockets and the accounting now
                ctx.dispatcher().budget().requestEnded();
                retries.end();
                replay.release();
            } else {
                upstreamFailed(failure(FailureKind.UPSTREAM_ERROR, "101 Switching Protocols to a request that asked for none"), true);
            }
            return;
        }
        if (head.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            response.interim(head);
            startResponseTimer(); // the final answer is still due
            return;
        }
        attempt.succeeded();
        if (ctx.bansConfig().statuses().contains(code)) {
            banTarget(code);
            if (retries.mayRetryAfterBan(ctx.bansConfig().retry(), replay)) {
                retryElsewhere(null);
                return;
            }
        }
        state = State.RESPONDING;
        response.head(head, HttpUtil.isKeepAlive(request) && replay.complete(), upstream.name());
        updateClientReading();
    }

    private void onResponseContent(UpstreamSide side, HttpContent part) {
        boolean last = response.content(part);
        if (last) {
            complete(side);
        } else if (client.socket().writeQueueFull()) {
            side.connection.socket().pause(side);
        }
    }

    private void complete(UpstreamSide side) {
        state = State.DONE;
        cancelResponseTimer();
        if (response.upstreamKeepAlive() && replay.complete()) {
            ctx.httpConnections().release(side.connection);
        } else {
            side.connection.socket().close();
        }
        end();
        ctx.accessLog().log(proxyRequest, request.method().name(), upstream.name(), response.status(), bytesUp,
                response.bytes(), startNanos, null);
        client.exchangeDone(response.keepAlive() && replay.complete(), response.lastWrite());
    }

    /** The upstream closed before the end of the answer. */
    private void onUpstreamClosed(UpstreamSide side) {
        if (state == State.RESPONDING) {
            abort("upstream-closed-mid-response"); // the client has part of an answer: closing is the only honest signal
            return;
        }
        boolean nothingWritten = side.headWrite != null && side.headWrite.failed();
        if (retries.mayRetryStale(side.connection.reused(), nothingWritten, replay)) {
            current = null;
            connect(true); // the pooled connection was dead before we used it: one fresh try, same upstream
            return;
        }
        upstreamFailed(failure(FailureKind.UPSTREAM_ERROR, "upstream closed the connection before answering"), !nothingWritten);
    }

    /** A failure before any answer byte: counted against the upstream, then retried elsewhere if the policy allows. */
    private void upstreamFailed(UpstreamFailure failure, boolean maySent) {
        attempt.failed(failure.kind(), failure);
        if (retries.mayRetryElsewhere(failure.kind(), maySent, replay)) {
            retryElsewhere(failure);
        } else {
            fail(failure);
        }
    }

    private void retryElsewhere(Throwable cause) {
        cancelResponseTimer();
        if (current != null) {
            current.connection.socket().close();
            current = null;
        }
        retries.movedOn(upstream);
        attempt.finish(0, 0);
        attempt = null;
        select(cause);
    }

    /** Nothing of an answer has reached the client yet: the gateway answers instead. */
    private void fail(Throwable error) {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        cancelResponseTimer();
        if (current != null) {
            current.connection.socket().close();
        }
        FailureKind kind = ErrorReplies.kindOf(error);
        if (attempt != null) {
            attempt.failed(kind, error);
        }
        end();
        // the client connection goes on only if nothing of this request is still to be read
        boolean keepAlive = HttpUtil.isKeepAlive(request) && (replay.complete() || !expectsBody());
        ctx.accessLog().log(proxyRequest, request.method().name(), upstream == null ? null : upstream.name(),
                ErrorReplies.httpStatus(kind).code(), bytesUp, 0, startNanos, kind.code());
        client.exchangeDone(keepAlive, client.socket().write(ErrorReplies.http(error, keepAlive)));
    }

    private void abort(String reason) {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        cancelResponseTimer();
        if (current != null) {
            current.connection.socket().close();
        }
        end();
        ctx.accessLog().log(proxyRequest, request.method().name(), upstream == null ? null : upstream.name(),
                response.status(), bytesUp, response.bytes(), startNanos, reason);
        client.closeWith(null);
    }

    /** Gives back the kept body, the upstream's slot and the request's places in the retry budget. */
    private void end() {
        replay.release();
        if (attempt != null) {
            attempt.finish(response.bytes(), bytesUp);
        }
        retries.end();
        ctx.dispatcher().budget().requestEnded();
    }

    private boolean expectsBody() {
        return HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
    }

    /** A block page served with a normal status: the pair is banned (the client still gets the page). */
    private void blockPage() {
        banTarget(response.status());
    }

    /** Bans this (upstream, target host) pair and logs it. */
    private void banTarget(int status) {
        long cooldown = ctx.domainBans().ban(upstream, uri.target().host());
        ctx.accessLog().ban(upstream.name(), uri.target().host(), status, cooldown);
    }

    private UpstreamFailure failure(FailureKind kind, String reason) {
        return new UpstreamFailure(kind, upstream, uri.target(), reason, null);
    }

    private static String proxyErrorOf(HttpResponse head) {
        String squid = head.headers().get("X-Squid-Error");
        String status = head.headers().get("Proxy-Status");
        return squid != null ? " (" + squid + ")" : status != null ? " (" + status + ")" : "";
    }

    private void startResponseTimer() {
        cancelResponseTimer();
        long millis = ctx.timeouts().response().toMillis();
        responseTimer = client.socket().eventLoop().schedule(() -> {
            responseTimer = null;
            if (state == State.AWAITING_RESPONSE || state == State.SENDING) {
                upstreamFailed(failure(FailureKind.RESPONSE_TIMEOUT, "no response within "
                        + Durations.format(ctx.timeouts().response())), true);
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    private void cancelResponseTimer() {
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
    }

    /** The exchange as the client socket's owner: the request body, the client's drain, FIN and close. */
    private final class ClientSide implements MessageSocket.Listener {
        @Override
        public void onMessage(Object message) {
            if (state != State.DONE && current != null && message instanceof HttpContent part) {
                onClientContent(part);
                return;
            }
            // never delivered while paused; anything else here would be a second request inside this one
            ReferenceCountUtil.release(message);
            abort("client-protocol-error");
        }

        @Override
        public void onDrain() {
            if (state == State.RESPONDING && current != null) {
                current.connection.socket().resume(current);
            }
        }

        @Override
        public void onInputShutdown() {
            // the client sends no more requests; this one is answered, then the connection closes
            if (!replay.complete()) {
                abort("client-closed");
            }
        }

        @Override
        public void onClose() {
            abort("client-closed");
        }
    }

    /** The exchange as the owner of one attempt's upstream connection. */
    private final class UpstreamSide implements MessageSocket.Listener {
        final HttpConnection connection;
        Future<Void> headWrite;

        UpstreamSide(HttpConnection connection) {
            this.connection = connection;
        }

        private boolean stale() {
            return this != current || state == State.DONE;
        }

        @Override
        public void onMessage(Object message) {
            if (stale()) {
                ReferenceCountUtil.release(message);
            } else if (message instanceof HttpResponse head) {
                onResponseHead(this, head);
                if (message instanceof HttpContent part && state == State.RESPONDING) {
                    onResponseContent(this, part);
                } else {
                    ReferenceCountUtil.release(message);
                }
            } else if (message instanceof HttpContent part && state == State.RESPONDING) {
                onResponseContent(this, part);
            } else {
                ReferenceCountUtil.release(message); // the rest of an answer that was not passed on
            }
        }

        @Override
        public void onDrain() {
            if (!stale()) {
                updateClientReading();
            }
        }

        @Override
        public void onReadComplete() {
            if (!stale()) {
                response.flushHead();
            }
        }

        @Override
        public void onClose() {
            if (!stale()) {
                onUpstreamClosed(this);
            }
        }
    }
}
