package dev.rotagate.gateway;

import dev.rotagate.config.GatewayConfig;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.rotagate.common.Durations;
import dev.rotagate.gateway.admin.AdminServer;
import dev.rotagate.gateway.admin.GatewayMetrics;
import dev.rotagate.gateway.forward.AccessLog;
import dev.rotagate.gateway.forward.Dispatcher;
import dev.rotagate.health.HealthChecker;
import dev.rotagate.health.HealthReport;
import dev.rotagate.health.Prober;
import io.vertx.core.json.JsonObject;
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
    private final Vertx vertx;
    /** One server per event loop, all on the same port: Vert.x spreads the connections over them. */
    private final List<NetServer> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<String> deployments = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile int port;
    private final List<UpstreamPool> pools;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final HealthChecker healthChecker;
    private final AdminServer admin;
    private final long loadedAtMillis = System.currentTimeMillis();

    private GatewayServer(Vertx vertx, GatewayConfig config) {
        this.config = config;
        Ticker ticker = Ticker.systemTicker();
        DomainBans bans = new DomainBans(config.bans(), ticker);
        // a half-open breaker whose trial reports got lost frees its permits after one connect + handshake time
        Duration maxHalfOpen = config.timeouts().connect().plus(config.timeouts().handshake()).multipliedBy(2);
        UpstreamState initial = config.health().enabled() && config.health().probeBeforeUse()
                ? UpstreamState.PROBING : UpstreamState.HEALTHY;
        this.pools = config.pools().stream().map(p -> UpstreamPool.fromConfig(p, config.breaker(), maxHalfOpen, bans,
                initial, ticker)).toList();
        this.connector = new UpstreamConnector(vertx, config.timeouts());
        HttpConnectionPool httpConnections = new HttpConnectionPool(connector, Duration.ofSeconds(15), 32);
        this.healthChecker = config.health().enabled() ? new HealthChecker(vertx,
                new Prober(vertx, connector, httpConnections, config.health()), config.health(), System::currentTimeMillis) : null;
        this.metrics.bind(pools);
        this.admin = config.admin().enabled() ? new AdminServer(vertx, config.admin(), new AdminView(), metrics) : null;
        Map<String, String> userPools = new HashMap<>();
        config.auth().users().stream().filter(u -> u.pool() != null).forEach(u -> userPools.put(u.username(), u.pool()));
        Dispatcher dispatcher = new Dispatcher(new Router(pools, config.routes(), userPools), connector,
                new RetryBudget(config.retry()), config.retry().attempts());
        this.context = new GatewayContext(vertx, dispatcher, httpConnections, new ClientAuthenticator(config.auth()),
                config.timeouts(), config.server(), config.bans(), bans, new AccessLog(metrics));
        this.vertx = vertx;
    }

    /** Starts listening; fails when the port is taken or a requested feature is missing. */
    public static Future<GatewayServer> start(Vertx vertx, GatewayConfig config) {
        if (config.server().proxyProtocol() && !Transports.haproxyCodecPresent()) {
            return Future.failedFuture(new IllegalStateException("server.proxy-protocol is on but netty-codec-haproxy"
                    + " is not on the classpath: PROXY headers would reach the front end as data"));
        }
        GatewayServer gateway = new GatewayServer(vertx, config);
        int instances = config.server().eventLoops() > 0 ? config.server().eventLoops()
                : Math.max(1, Runtime.getRuntime().availableProcessors());
        // same host and port (also port 0) in one Vert.x instance: the servers share one socket
        return gateway.listen(config.listen().port(), instances)
                .compose(s -> gateway.admin == null ? Future.succeededFuture() : gateway.admin.start().map(a -> {
                    LOG.info("admin API, status page and /metrics on http://{}:{}/", config.admin().address().host(), a.port());
                    return null;
                }))
                .map(v -> {
                    if (gateway.healthChecker != null) {
                        gateway.healthChecker.start(gateway.pools);
                    }
                    LOG.info("rotagate listening on {}:{} (HTTP, CONNECT, SOCKS5, SOCKS4), {} pool(s), {} upstream(s), transport {}{}",
                            config.listen().host(), gateway.port, gateway.pools.size(),
                            gateway.pools.stream().mapToInt(p -> p.upstreams().size()).sum(),
                            (vertx.isNativeTransportEnabled() ? "epoll" : "nio") + ", " + instances + " event loop(s)",
                            gateway.healthChecker == null ? ", health checks off" : ", probing every "
                                    + Durations.format(config.health().interval()));
                    return gateway;
                })
                .recover(e -> gateway.close().transform(v -> Future.failedFuture(e)));
    }

    public int port() {
        return port;
    }

    /** Deploys {@code count} server instances on {@code listenPort}, each on its own event loop. */
    private Future<Void> listen(int listenPort, int count) {
        NetServerOptions options = serverOptions(listenPort);
        return vertx.deployVerticle(() -> new io.vertx.core.VerticleBase() {
            @Override
            public Future<?> start() {
                NetServer server = vertx.createNetServer(options).connectHandler(GatewayServer.this::accept);
                return server.listen().map(s -> {
                    servers.add(s);
                    port = s.actualPort();
                    return s;
                });
            }
        }, new io.vertx.core.DeploymentOptions().setInstances(count)).map(id -> {
            deployments.add(id);
            return (Void) null;
        });
    }

    private NetServerOptions serverOptions(int listenPort) {
        return new NetServerOptions()
                .setHost(config.listen().host())
                .setPort(listenPort)
                .setTcpNoDelay(true)
                .setTcpKeepAlive(true)
                .setReuseAddress(true)
                .setUseProxyProtocol(config.server().proxyProtocol())
                .setProxyProtocolTimeout(config.timeouts().handshake().toMillis())
                .setProxyProtocolTimeoutUnit(TimeUnit.MILLISECONDS)
                .setIdleTimeout((int) config.timeouts().idle().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    }

    public List<UpstreamPool> pools() {
        return pools;
    }

    public GatewayConfig config() {
        return config;
    }

    /** The admin listener's port; -1 when it is off. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    public HealthReport report() {
        return HealthReport.of(pools, u -> healthChecker == null ? null : healthChecker.stats(u));
    }

    public HealthChecker healthChecker() {
        return healthChecker;
    }

    public Future<Void> close() {
        if (healthChecker != null) {
            healthChecker.stop();
        }
        Future<Void> adminClosed = admin == null ? Future.succeededFuture() : admin.close();
        Future<Void> undeployed = Future.all(deployments.stream().map(vertx::undeploy).toList()).mapEmpty();
        return adminClosed.eventually(() -> undeployed).eventually(connector::close);
    }

    /** What the admin API sees of this gateway. */
    private final class AdminView implements AdminServer.Gateway {
        @Override
        public List<UpstreamPool> pools() {
            return pools;
        }

        @Override
        public HealthReport report() {
            return GatewayServer.this.report();
        }

        @Override
        public UpstreamState enabledState() {
            return config.health().enabled() && config.health().probeBeforeUse() ? UpstreamState.PROBING : UpstreamState.HEALTHY;
        }

        @Override
        public JsonObject configStatus() {
            return new JsonObject().put("source", String.valueOf(config.source())).put("status", "ok")
                    .put("loadedAt", java.time.Instant.ofEpochMilli(loadedAtMillis).toString());
        }
    }

    private void accept(NetSocket socket) {
        MessageSocket client = MessageSocket.of(socket);
        client.exceptionHandler(e -> { }); // a client's reset is its business; the close that follows cleans up
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
