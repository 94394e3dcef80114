package dev.rotagate.gateway;

import dev.rotagate.config.GatewayConfig;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.rotagate.gateway.forward.Dispatcher;
import dev.rotagate.gateway.forward.RetryBudget;
import dev.rotagate.pool.resilience.DomainBans;
import dev.rotagate.pool.resilience.UpstreamState;
import dev.rotagate.gateway.forward.GatewayContext;
import dev.rotagate.gateway.forward.Router;
import dev.rotagate.gateway.frontend.ClientAuthenticator;
import dev.rotagate.gateway.frontend.Frontend;
import dev.rotagate.gateway.frontend.HttpProxyFrontend;
import dev.rotagate.gateway.frontend.ProtocolDetector;
import dev.rotagate.gateway.frontend.Socks4Frontend;
import dev.rotagate.gateway.frontend.Socks5Frontend;
import dev.rotagate.pool.UpstreamPool;
import dev.rotagate.pool.connect.HttpConnectionPool;
import dev.rotagate.pool.connect.MessageSocket;
import dev.rotagate.pool.connect.UpstreamConnector;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one client-facing port: detects the protocol of each connection and hands it to its front end. */
public final class GatewayServer {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    private static final String DETECTOR = "detect";

    private final GatewayConfig config;
    private final GatewayContext context;
    private final UpstreamConnector connector;
    private final NetServer server;
    private final List<UpstreamPool> pools;

    private GatewayServer(Vertx vertx, GatewayConfig config) {
        this.config = config;
        Ticker ticker = Ticker.systemTicker();
        DomainBans bans = new DomainBans(config.bans(), ticker);
        // a half-open breaker whose trial reports got lost frees its permits after one connect + handshake time
        Duration maxHalfOpen = config.timeouts().connect().plus(config.timeouts().handshake()).multipliedBy(2);
        this.pools = config.pools().stream().map(p -> UpstreamPool.fromConfig(p, config.breaker(), maxHalfOpen, bans,
                UpstreamState.HEALTHY, ticker)).toList();
        this.connector = new UpstreamConnector(vertx, config.timeouts());
        HttpConnectionPool httpConnections = new HttpConnectionPool(connector, Duration.ofSeconds(15), 32);
        Map<String, String> userPools = new HashMap<>();
        config.auth().users().stream().filter(u -> u.pool() != null).forEach(u -> userPools.put(u.username(), u.pool()));
        Dispatcher dispatcher = new Dispatcher(new Router(pools, config.routes(), userPools), connector,
                new RetryBudget(config.retry()), config.retry().attempts());
        this.context = new GatewayContext(vertx, dispatcher, httpConnections, new ClientAuthenticator(config.auth()),
                config.timeouts(), config.server(), config.bans(), bans);
        this.server = vertx.createNetServer(new NetServerOptions()
                .setHost(config.listen().host())
                .setPort(config.listen().port())
                .setTcpNoDelay(true)
                .setTcpKeepAlive(true)
                .setReuseAddress(true)
                .setUseProxyProtocol(config.server().proxyProtocol())
                .setProxyProtocolTimeout(config.timeouts().handshake().toMillis())
                .setProxyProtocolTimeoutUnit(TimeUnit.MILLISECONDS)
                .setIdleTimeout((int) config.timeouts().idle().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
        this.server.connectHandler(this::accept);
    }

    /** Starts listening; fails when the port is taken or a requested feature is missing. */
    public static Future<GatewayServer> start(Vertx vertx, GatewayConfig config) {
        if (config.server().proxyProtocol() && !Transports.haproxyCodecPresent()) {
            return Future.failedFuture(new IllegalStateException("server.proxy-protocol is on but netty-codec-haproxy"
                    + " is not on the classpath: PROXY headers would reach the front end as data"));
        }
        GatewayServer gateway = new GatewayServer(vertx, config);
        return gateway.server.listen().map(s -> {
            LOG.info("rotagate listening on {}:{} (HTTP, CONNECT, SOCKS5, SOCKS4), {} pool(s), {} upstream(s), transport {}",
                    config.listen().host(), s.actualPort(), gateway.pools.size(),
                    gateway.pools.stream().mapToInt(p -> p.upstreams().size()).sum(),
                    vertx.isNativeTransportEnabled() ? "epoll" : "nio");
            return gateway;
        });
    }

    public int port() {
        return server.actualPort();
    }

    public List<UpstreamPool> pools() {
        return pools;
    }

    public GatewayConfig config() {
        return config;
    }

    public Future<Void> close() {
        return server.close().eventually(connector::close);
    }

    private void accept(NetSocket socket) {
        MessageSocket client = MessageSocket.of(socket);
        client.allowHalfClosure(); // a client's FIN in a tunnel must not cut the download it is waiting for
        client.messageHandler(ReferenceCountUtil::release);
        client.addCodec(DETECTOR, new ProtocolDetector(protocol -> {
            Frontend frontend = switch (protocol) {
                case SOCKS5 -> {
                    Socks5Frontend.install(client);
                    yield new Socks5Frontend(context, client);
                }
                case SOCKS4 -> {
                    Socks4Frontend.install(client);
                    yield new Socks4Frontend(context, client);
                }
                case HTTP -> {
                    int maxHead = config.server().maxRequestHead();
                    client.addCodec(HttpProxyFrontend.CODEC, new HttpServerCodec(new HttpDecoderConfig()
                            .setMaxInitialLineLength(Math.min(maxHead, 16 * 1024))
                            .setMaxHeaderSize(maxHead)
                            .setMaxChunkSize(64 * 1024)));
                    yield new HttpProxyFrontend(context, client);
                }
            };
            client.messageHandler(frontend::onMessage);
            client.eventHandler(frontend::onEvent);
            client.closeHandler(v -> frontend.onClose());
        }));
    }
}
