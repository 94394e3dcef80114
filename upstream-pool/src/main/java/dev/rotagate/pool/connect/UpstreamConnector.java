package dev.rotagate.pool.connect;

import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.UpstreamScheme;
import dev.rotagate.common.UpstreamUrl;
import dev.rotagate.config.TimeoutsConfig;
import dev.rotagate.pool.Upstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import java.util.concurrent.TimeUnit;

/**
 * Opens connections through upstreams with one shared Vert.x {@link NetClient} and per-connection
 * {@link ProxyOptions}: Netty's proxy handlers do the HTTP CONNECT, SOCKS4 and SOCKS5 handshakes.
 * Two timeouts apply one after the other: TCP connect to the upstream, then its handshake answer (for an https://
 * upstream, TLS and then the CONNECT answer, which {@link ProxyConnect} reads inside TLS).
 */
public final class UpstreamConnector implements Dialer {

    // kept in a field: an unreferenced client is shut down by its cleaner, even mid-connect
    private final NetClient client;
    private volatile TimeoutsConfig timeouts;

    public UpstreamConnector(Vertx vertx, TimeoutsConfig timeouts) {
        this.timeouts = timeouts;
        this.client = vertx.createNetClient(new NetClientOptions()
                .setTcpNoDelay(true)
                .setTcpKeepAlive(true)
                .setConnectTimeout((int) timeouts.connect().toMillis())
                .setIdleTimeout((int) timeouts.idle().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
    }

    @Override
    public void timeouts(TimeoutsConfig timeouts) {
        this.timeouts = timeouts;
    }

    @Override
    public Future<MessageSocket> connect(Upstream via, HostAndPort target, String session) {
        long start = System.nanoTime();
        UpstreamUrl url = via.url();
        if (url.scheme() == UpstreamScheme.HTTPS) {
            return timed(socket(toProxy(via))
                    .compose(socket -> ProxyConnect.open(socket, via, target, session, timeouts.handshake())), start, via, target);
        }
        ConnectOptions options = new ConnectOptions().setTimeout((int) timeouts.connect().toMillis());
        if (url.scheme() == UpstreamScheme.DIRECT) {
            options.setHost(target.host()).setPort(target.port());
        } else {
            options.setHost(target.host()).setPort(target.port()).setProxyOptions(proxyOptions(via, session));
        }
        return timed(socket(options), start, via, target);
    }

    @Override
    public Future<MessageSocket> connectToProxy(Upstream via, HostAndPort targetForErrors) {
        if (!via.url().scheme().isHttpProxy()) {
            throw new IllegalArgumentException("upstream: " + via.describe() + " (expected: an http:// or https:// upstream)");
        }
        return timed(socket(toProxy(via)), System.nanoTime(), via, targetForErrors);
    }

    /** A connection to the upstream proxy itself: TCP, and TLS for an https:// one. */
    private ConnectOptions toProxy(Upstream via) {
        UpstreamUrl url = via.url();
        ConnectOptions options = new ConnectOptions().setHost(url.host()).setPort(url.port())
                .setTimeout((int) timeouts.connect().toMillis());
        if (url.scheme() == UpstreamScheme.HTTPS) {
            options.setSsl(true).setSslOptions(UpstreamTls.options(via.config().tls(), timeouts.handshake()));
            if (!UpstreamTls.isIpLiteral(url.host())) {
                options.setSniServerName(url.host());
            }
        }
        return options;
    }

    private Future<MessageSocket> socket(ConnectOptions options) {
        return client.connect(options).map(MessageSocket::of); // paused: a server's banner waits for the owner
    }

    /**
     * The one place a connection's set-up is timed and its failure classified: from {@code start} until the upstream
     * is ready for the target (TCP, TLS and the proxy handshake), which is what least-latency ranks by.
     */
    private static Future<MessageSocket> timed(Future<MessageSocket> connecting, long start, Upstream via,
                                               HostAndPort target) {
        return connecting.map(socket -> {
            via.recordLatency(System.nanoTime() - start);
            return socket;
        }).recover(e -> Future.failedFuture(FailureClassifier.classify(e, via, target)));
    }

    private ProxyOptions proxyOptions(Upstream via, String session) {
        UpstreamUrl url = via.url();
        ProxyType type = switch (url.scheme()) {
            case HTTP -> ProxyType.HTTP;
            case HTTPS -> throw new IllegalStateException("https upstreams do their CONNECT inside TLS (ProxyConnect)");
            case SOCKS4, SOCKS4A -> ProxyType.SOCKS4;
            case SOCKS5, SOCKS5H -> ProxyType.SOCKS5;
            case DIRECT -> throw new IllegalStateException("direct upstreams need no proxy options");
        };
        ProxyOptions options = new ProxyOptions().setType(type).setHost(url.host()).setPort(url.port())
                .setConnectTimeout(timeouts.handshake());
        if (url.hasCredentials()) {
            options.setUsername(via.usernameFor(session));
            options.setPassword(url.password() == null ? "" : url.password());
        }
        return options;
    }

    @Override
    public Future<Void> close() {
        return client.close();
    }
}
