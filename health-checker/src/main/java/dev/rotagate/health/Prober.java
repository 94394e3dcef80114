package dev.rotagate.health;

import dev.rotagate.common.FailureKind;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.config.HealthConfig;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.connect.Dialer;
import dev.rotagate.pool.connect.FailureClassifier;
import dev.rotagate.pool.connect.HttpConnection;
import dev.rotagate.pool.connect.HttpConnections;
import dev.rotagate.pool.connect.MessageSocket;
import dev.rotagate.pool.connect.UpstreamFailure;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One probe through one upstream: an HTTP GET of {@code health.target} (absolute form to an HTTP proxy, origin form
 * through a SOCKS or direct tunnel), or only the proxy handshake to {@code health.connect-target}; then, if
 * configured, a GET of the exit-IP URL. Always on a fresh connection, bounded by {@code health.timeout}.
 */
public final class Prober {

    private static final int MAX_BODY = 1024;

    private final Vertx vertx;
    private final Dialer connector;
    private final HttpConnections connections;
    private final HealthConfig config;

    public Prober(Vertx vertx, Dialer connector, HttpConnections connections, HealthConfig config) {
        this.vertx = vertx;
        this.connector = connector;
        this.connections = connections;
        this.config = config;
    }

    public Future<ProbeResult> probe(Upstream upstream) {
        long start = System.nanoTime();
        Future<ProbeResult> main = config.connectOnly()
                ? connector.connect(upstream, config.connectTarget(), "probe").map(socket -> {
                    socket.close();
                    return new ProbeResult(true, System.nanoTime() - start, 0, null, null, System.currentTimeMillis());
                })
                : get(upstream, config.target(), false).map(answer -> {
                    long latency = System.nanoTime() - start;
                    boolean expected = answer.status() >= config.expectStatusMin() && answer.status() <= config.expectStatusMax();
                    return new ProbeResult(expected, latency, answer.status(), null,
                            expected ? null : "status " + answer.status() + " (expected " + config.expectStatusMin() + "-"
                                    + config.expectStatusMax() + ")", System.currentTimeMillis());
                });
        Future<ProbeResult> withExitIp = main.compose(result -> {
            if (!result.ok() || config.exitIpUrl() == null) {
                return Future.succeededFuture(result);
            }
            return get(upstream, config.exitIpUrl(), true)
                    .map(answer -> new ProbeResult(true, result.latencyNanos(), result.status(),
                            answer.status() == 200 ? answer.body().trim() : null, null, result.atMillis()))
                    .recover(e -> Future.succeededFuture(result));
        });
        return withExitIp.recover(e -> Future.succeededFuture(ProbeResult.failed(describe(e, upstream), System.nanoTime() - start)));
    }

    private static String describe(Throwable e, Upstream upstream) {
        return e instanceof UpstreamFailure f ? f.kind().code() + ": " + f.reason() : String.valueOf(e.getMessage());
    }

    private record Answer(int status, String body) {
    }

    private Future<Answer> get(Upstream upstream, String url, boolean keepBody) {
        URI uri = URI.create(url);
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        HostAndPort target = HostAndPort.of(uri.getHost(), port);
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        Promise<Answer> answer = Promise.promise();
        long timer = vertx.setTimer(config.timeout().toMillis(), id -> answer.tryFail(
                new UpstreamFailure(FailureKind.RESPONSE_TIMEOUT, upstream, target,
                        "no probe answer within " + config.timeout().toMillis() + " ms", null)));
        connections.fresh(upstream, target, "probe").onComplete(ar -> {
            if (ar.failed()) {
                answer.tryFail(FailureClassifier.classify(ar.cause(), upstream, target));
                return;
            }
            HttpConnection c = ar.result();
            exchange(c, upstream, target, c.absoluteForm() ? url : path, keepBody, answer);
            answer.future().onComplete(v -> c.socket().close());
        });
        return answer.future().onComplete(v -> vertx.cancelTimer(timer));
    }

    private static void exchange(HttpConnection c, Upstream upstream, HostAndPort target, String requestUri, boolean keepBody,
                                 Promise<Answer> answer) {
        MessageSocket s = c.socket();
        MessageSocket.Listener reader = new MessageSocket.Listener() {
            private int status;
            private final StringBuilder body = new StringBuilder();

            @Override
            public void onMessage(Object msg) {
                try {
                    if (msg instanceof HttpResponse r && r.status().code() >= 200) {
                        status = r.status().code();
                    }
                    if (msg instanceof HttpContent part && keepBody && body.length() < MAX_BODY) {
                        ByteBuf b = part.content();
                        body.append(b.toString(b.readerIndex(), Math.min(b.readableBytes(), MAX_BODY - body.length()),
                                StandardCharsets.UTF_8));
                    }
                    if (msg instanceof LastHttpContent && status > 0) {
                        answer.tryComplete(new Answer(status, body.toString()));
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void onClose() {
                answer.tryFail(new UpstreamFailure(FailureKind.UPSTREAM_ERROR, upstream, target,
                        "connection closed before the probe answer", null));
            }
        };
        s.listen(reader);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, requestUri);
        request.headers().set(HttpHeaderNames.HOST, target.port() == 80 ? target.host() : target.toString())
                .set(HttpHeaderNames.USER_AGENT, "rotagate-health")
                .set(HttpHeaderNames.CONNECTION, "close");
        if (c.absoluteForm() && upstream.proxyAuthorization("probe") != null) {
            request.headers().set(HttpHeaderNames.PROXY_AUTHORIZATION, upstream.proxyAuthorization("probe"));
        }
        s.write(request);
        s.resume(reader);
    }
}
