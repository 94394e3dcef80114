package dev.rotagate.gateway.forward;

import dev.rotagate.common.Durations;
import dev.rotagate.common.FailureKind;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.UpstreamScheme;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.connect.FailureClassifier;
import dev.rotagate.pool.connect.HttpConnection;
import dev.rotagate.pool.connect.MessageSocket;
import dev.rotagate.pool.connect.UpstreamFailure;
import dev.rotagate.pool.resilience.Attempt;
import dev.rotagate.pool.resilience.FaultJudge;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.AsyncResult;

/**
 * The EXCHANGE phase: one plain HTTP request and its response, relayed as Netty objects between the client and a
 * connection through the chosen upstream, with backpressure both ways.
 *
 * <p>Who owns what: the exchange owns the client socket (as its client side) from its start until it hands the client
 * back — for the next request, to close, or to a {@link ProtocolSwitch} after a 101 — and each attempt owns one
 * upstream connection ({@link UpstreamLeg}). The client is read only while the body can go somewhere ({@code SENDING},
 * the upstream not full): a request pipelined behind this one waits in the client's socket, and a replay to another
 * upstream ({@link RequestReplay}, {@link RetryPolicy}) is never interleaved with new body parts. The answer goes to
 * the client through a {@link ResponseRelay}. An upstream connection goes back to its pool only after a clean end:
 * answer read to its end, request sent whole, keep-alive on both sides.
 */
public final class HttpExchange implements UpstreamLeg.Exchange {

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
    private final LoopTimer responseTimer;
    private final MessageSocket.Listener clientSide = new ClientSide();
    private State state = State.SELECTING;
    private Dispatcher.Selection selection;
    private Attempt attempt;
    private Upstream upstream;
    /** Where the chosen upstream's connections go: the target, or for direct:// its checked address. */
    private HostAndPort dialTarget;
    private UpstreamLeg current;
    private long bytesUp;

    private HttpExchange(GatewayContext ctx, ClientLink client, HttpRequest request, HttpMessages.AbsoluteUri uri,
                         ProxyRequest proxyRequest) {
        this.ctx = ctx;
        this.client = client;
        this.request = request;
        this.uri = uri;
        this.proxyRequest = proxyRequest;
        this.retries = new RetryPolicy(ctx.dispatcher(), request.method());
        this.responseTimer = client.deadline();
        this.response = new ResponseRelay(client.socket(), request, ctx.bansConfig().bodyPatterns(), this::blockPage);
    }

    /** Takes the client over for one request, whose head has just been read. */
    public static void start(GatewayContext ctx, ClientLink client, HttpRequest request, HttpMessages.AbsoluteUri uri,
                             ProxyRequest proxyRequest) {
        HttpExchange exchange = new HttpExchange(ctx, client, request, uri, proxyRequest);
        client.enterExchange(exchange.clientSide);
        ctx.dispatcher().budget().requestStarted();
        GatewayError refusal = ctx.admission().admit(proxyRequest, client);
        if (refusal != null) {
            exchange.fail(refusal);
            return;
        }
        exchange.select(null);
    }

    /** An upstream not tried yet and a connection through it; {@code previous} is the failure that made this a retry. */
    private void select(Throwable previous) {
        state = State.SELECTING;
        updateClientReading();
        ctx.dispatcher().connectHttp(proxyRequest, client.socket().eventLoop(), retries, replay, previous).onComplete(ar -> {
            if (ar.succeeded() && state == State.DONE) {
                ar.result().selection().attempt().finish(0, 0);
            } else if (ar.succeeded()) {
                selection = ar.result().selection();
                attempt = selection.attempt();
                upstream = attempt.upstream();
                HostAndPort tunnelTarget = ar.result().connection().tunnelTarget();
                dialTarget = tunnelTarget != null ? tunnelTarget : uri.target();
            }
            connected(ar.map(Dispatcher.Connected::connection), false);
        });
    }

    /** One more connection to the same upstream, after the pooled one turned out dead. */
    private void reconnect() {
        state = State.CONNECTING;
        ctx.httpConnections().fresh(upstream, dialTarget, selection.session()).onComplete(ar -> connected(ar, true));
    }

    private void connected(AsyncResult<HttpConnection> ar, boolean reconnected) {
        if (state == State.DONE) {
            if (ar.succeeded()) {
                ar.result().socket().close();
            }
        } else if (ar.failed() && reconnected) {
            upstreamFailed(FailureClassifier.classify(ar.cause(), upstream, uri.target()), false);
        } else if (ar.failed()) {
            fail(ar.cause());
        } else {
            send(ar.result());
        }
    }

    /** The head and every body part kept so far go to the new connection; then the client may send the rest. */
    private void send(HttpConnection connection) {
        current = new UpstreamLeg(connection, this);
        current.start(HttpMessages.forUpstream(request, uri, connection.absoluteForm(), upstream.proxyAuthorization(selection.session())));
        replay.writeTo(current.socket());
        state = replay.complete() ? State.AWAITING_RESPONSE : State.SENDING;
        if (state == State.AWAITING_RESPONSE) {
            startResponseTimer();
        }
        current.socket().resume(current);
        updateClientReading();
    }

    /** The client is read while the body can go on to a connection that has room. */
    private void updateClientReading() {
        if (state == State.SENDING && !current.socket().writeQueueFull()) {
            client.socket().resume(clientSide);
        } else {
            client.socket().pause(clientSide);
        }
    }

    private void onClientContent(HttpContent part) {
        bytesUp += part.content().readableBytes();
        replay.add(part);
        current.socket().write(part);
        if (replay.complete() && state == State.SENDING) {
            state = State.AWAITING_RESPONSE;
            startResponseTimer();
        }
        updateClientReading();
    }

    @Override
    public void onResponseHead(UpstreamLeg leg, HttpResponse head) {
        responseTimer.cancel();
        UpstreamFailure proxyMade = head.decoderResult().isFailure()
                ? failure(FailureKind.UPSTREAM_ERROR, "malformed response: " + head.decoderResult().cause().getMessage())
                : leg.connection.absoluteForm() ? FailureClassifier.proxyAnswer(head, upstream, uri.target()) : null;
        int code = head.status().code();
        if (proxyMade != null || code == 101 && !HttpMessages.asksToUpgrade(request)) {
            upstreamFailed(proxyMade != null ? proxyMade : failure(FailureKind.UPSTREAM_ERROR,
                    "101 Switching Protocols to a request that asked for none"), true);
        } else if (code == 101) {
            attempt.succeeded();
            Attempt switched = attempt;
            attempt = null; // the switch owns both sockets, and the attempt's accounting, from here on
            over();
            new ProtocolSwitch(ctx, client, proxyRequest, request.method().name(), switched, startNanos).start(head, leg.connection);
        } else if (head.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            response.interim(head);
            startResponseTimer(); // the final answer is still due
        } else {
            attempt.succeeded(uri.target());
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
    }

    @Override
    public void onResponseContent(UpstreamLeg leg, HttpContent part) {
        if (!response.content(part)) {
            if (client.socket().writeQueueFull()) {
                leg.socket().pause(leg);
            }
            return;
        }
        over();
        if (response.upstreamKeepAlive() && replay.complete()) {
            ctx.httpConnections().release(leg.connection);
        } else {
            leg.socket().close();
        }
        log(response.status(), response.bytes(), null);
        client.exchangeDone(response.keepAlive() && replay.complete(), response.lastWrite());
    }

    @Override
    public void onUpstreamClosed(UpstreamLeg leg) {
        if (state == State.RESPONDING) {
            abort("upstream-closed-mid-response"); // the client has part of an answer: closing is the only honest signal
        } else if (retries.mayRetryStale(leg.connection.reused(), leg.nothingWritten(), replay)) {
            current = null;
            reconnect(); // the pooled connection was dead before we used it: one fresh try, same upstream
        } else {
            upstreamFailed(failure(FailureKind.UPSTREAM_ERROR, "upstream closed the connection before answering"),
                    !leg.nothingWritten());
        }
    }

    /** A failure before any answer byte: counted against the upstream, then retried elsewhere if the policy allows. */
    private void upstreamFailed(UpstreamFailure failure, boolean maySent) {
        FaultJudge.Verdict verdict = attempt.failed(failure.kind(), failure);
        if (retries.mayRetryElsewhere(verdict, maySent, replay)) {
            retryElsewhere(failure);
        } else {
            fail(failure);
        }
    }

    private void retryElsewhere(Throwable cause) {
        responseTimer.cancel();
        closeCurrent();
        retries.movedOn(upstream);
        attempt.finish(0, 0);
        attempt = null;
        select(cause);
    }

    /** Nothing of an answer has reached the client yet: the gateway answers instead. */
    private void fail(Throwable error) {
        FailureKind kind = ErrorReplies.kindOf(error);
        if (attempt != null) {
            attempt.failed(kind, error);
        }
        if (!over()) {
            return;
        }
        closeCurrent();
        // the client connection goes on only if nothing of this request is still to be read
        boolean keepAlive = HttpUtil.isKeepAlive(request) && (replay.complete() || !expectsBody());
        log(ErrorReplies.httpStatus(kind).code(), 0, kind.code());
        client.exchangeDone(keepAlive, client.socket().write(ErrorReplies.http(error, keepAlive,
                ctx.server().fullErrorDetail())));
    }

    /** Part of an answer is out, or the client is gone: the client connection closes. */
    private void abort(String reason) {
        if (over()) {
            closeCurrent();
            log(response.status(), response.bytes(), reason);
            client.closeWith(null);
        }
    }

    /** The end, once: the kept body, the upstream's slot and the request's places in the retry budget go back. */
    private boolean over() {
        if (state == State.DONE) {
            return false;
        }
        state = State.DONE;
        responseTimer.cancel();
        replay.release();
        if (attempt != null) {
            attempt.finish(response.bytes(), bytesUp);
        }
        retries.end();
        ctx.dispatcher().budget().requestEnded();
        return true;
    }

    private void closeCurrent() {
        if (current != null) {
            current.socket().close();
            current = null;
        }
    }

    private void log(int status, long bytesDown, String error) {
        ctx.accessLog().log(proxyRequest, request.method().name(), upstream == null ? null : upstream.name(), status,
                bytesUp, bytesDown, startNanos, error);
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

    /**
     * Something went wrong with the answer: on {@code direct://} that is the target's doing; through a proxy it may be
     * either's, and the {@link FaultJudge} decides.
     */
    private UpstreamFailure failure(FailureKind kind, String reason) {
        UpstreamFailure.Blame blame = upstream.url().scheme() == UpstreamScheme.DIRECT
                ? UpstreamFailure.Blame.TARGET : UpstreamFailure.Blame.EITHER;
        return new UpstreamFailure(kind, blame, upstream, uri.target(), reason, null);
    }

    private void startResponseTimer() {
        responseTimer.arm(ctx.timeouts().response().toMillis(), () -> {
            if (state == State.AWAITING_RESPONSE || state == State.SENDING) {
                upstreamFailed(failure(FailureKind.RESPONSE_TIMEOUT, "no response within "
                        + Durations.format(ctx.timeouts().response())), true);
            }
        });
    }

    @Override
    public UpstreamLeg current() {
        return state == State.DONE ? null : current;
    }

    @Override
    public boolean responding() {
        return state == State.RESPONDING;
    }

    @Override
    public void onUpstreamDrain() {
        updateClientReading();
    }

    @Override
    public void onUpstreamReadComplete() {
        response.flushHead();
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
                current.socket().resume(current);
            }
        }

        @Override
        public void onInputShutdown() {
            if (!replay.complete()) {
                abort("client-closed"); // the rest of the body will never come
            }
        }

        @Override
        public void onClose() {
            abort("client-closed");
        }
    }
}
