package dev.rotagate.gateway;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.rotagate.common.Durations;
import dev.rotagate.config.ConfigLoader;
import dev.rotagate.config.ConfigProblem;
import dev.rotagate.config.ConfigWatcher;
import dev.rotagate.config.GatewayConfig;
import dev.rotagate.config.LogConfig;
import dev.rotagate.config.UserConfig;
import dev.rotagate.gateway.admin.AdminServer;
import dev.rotagate.gateway.admin.GatewayMetrics;
import dev.rotagate.gateway.forward.AccessLog;
import dev.rotagate.gateway.forward.AccessLogWriter;
import dev.rotagate.gateway.forward.Admission;
import dev.rotagate.gateway.forward.OwnEndpoints;
import dev.rotagate.gateway.forward.RetryBudget;
import dev.rotagate.gateway.forward.TargetResolver;
import dev.rotagate.gateway.frontend.ClientConnection;
import dev.rotagate.gateway.frontend.ClientConnections;
import dev.rotagate.health.HealthChecker;
import dev.rotagate.health.HealthReport;
import dev.rotagate.pool.UpstreamPool;
import dev.rotagate.pool.connect.HttpConnectionPool;
import dev.rotagate.pool.connect.UpstreamConnector;
import dev.rotagate.pool.resilience.DomainBans;
import dev.rotagate.pool.resilience.UpstreamState;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one client-facing port: detects the protocol of each connection and hands it to its front end. */
public final class GatewayServer {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);

    private final Vertx vertx;
    /** What the process was started with: listen, admin and server settings need a restart to change. */
    private final GatewayConfig startConfig;
    private final Generation.Shared shared;
    private final ClientConnections connections;
    /** Null with {@code log.access: off}. */
    private final AccessLogWriter accessWriter;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final AdminServer admin;
    /** One server per event loop, all on the same port: Vert.x spreads the connections over them. */
    private final List<String> deployments = new CopyOnWriteArrayList<>();
    private final List<NetServer> servers = new CopyOnWriteArrayList<>();
    private volatile Drain drain;
    private volatile int port;
    private volatile Generation current;
    private final ReloadStatus reloadStatus;
    private volatile ConfigWatcher watcher;

    private GatewayServer(Vertx vertx, GatewayConfig config, AccessLogWriter accessWriter) {
        this.vertx = vertx;
        this.startConfig = config;
        this.accessWriter = accessWriter;
        UpstreamConnector connector = new UpstreamConnector(vertx, config.timeouts());
        this.shared = new Generation.Shared(vertx, connector, new HttpConnectionPool(connector, Duration.ofSeconds(15), 32),
                new DomainBans(config.bans(), Ticker.systemTicker()), new RetryBudget(config.retry()),
                new AccessLog(metrics, config.log().access(), accessWriter == null ? line -> { } : accessWriter),
                Ticker.systemTicker(), config.server(), TargetResolver.of(vertx), new OwnEndpoints(),
                new Admission(System::nanoTime));
        this.connections = new ClientConnections(config.server().maxConnections());
        metrics.retryBudget(shared.budget());
        // known ports count from the start; port 0 is added once bound
        shared.ownEndpoints().listening(config.listen().port());
        if (config.admin().enabled()) {
            shared.ownEndpoints().listening(config.admin().address().port());
        }
        this.current = Generation.build(config, shared, null);
        this.metrics.bind(current.pools());
        this.metrics.users(userNames(config));
        if (accessWriter != null) {
            this.metrics.accessLogDropped(accessWriter::dropped);
        }
        this.reloadStatus = new ReloadStatus(config, metrics);
        this.admin = config.admin().enabled() ? new AdminServer(vertx, config.admin(), new AdminView(), metrics) : null;
    }

    /** Starts listening; fails when the port is taken or a requested feature is missing. */
    public static Future<GatewayServer> start(Vertx vertx, GatewayConfig config) {
        if (config.server().proxyProtocol() && !Transports.haproxyCodecPresent()) {
            return Future.failedFuture(new IllegalStateException("server.proxy-protocol is on but netty-codec-haproxy"
                    + " is not on the classpath: PROXY headers would reach the front end as data"));
        }
        GatewayServer gateway;
        try {
            AccessLogWriter writer = config.log().access() == LogConfig.AccessFormat.OFF ? null
                    : new AccessLogWriter(config.log().accessFile());
            gateway = new GatewayServer(vertx, config, writer);
        } catch (IOException e) {
            return Future.failedFuture(new IllegalStateException("log.access-file: cannot open "
                    + config.log().accessFile() + ": " + e.getMessage()));
        }
        int instances = config.server().eventLoops() > 0 ? config.server().eventLoops()
                : Math.max(1, Runtime.getRuntime().availableProcessors());
        // same host and port (also port 0) in one Vert.x instance: the servers share one socket
        return gateway.listen(config.listen().port(), instances)
                .compose(s -> gateway.admin == null ? Future.succeededFuture() : gateway.admin.start().map(a -> {
                    gateway.shared.ownEndpoints().listening(a.port());
                    LOG.info("admin API, status page and /metrics on http://{}:{}/", config.admin().address().host(), a.port());
                    return null;
                }))
                .map(v -> {
                    Generation g = gateway.current;
                    config.skippedLines().forEach(p -> LOG.warn("skipped (upstream-files-lenient): {}", p));
                    warnInsecure(config.insecureUpstreams(), "");
                    if (g.healthChecker() != null) {
                        g.healthChecker().start(g.pools());
                    }
                    LOG.info("rotagate listening on {}:{} (HTTP, CONNECT, SOCKS5, SOCKS4), {} pool(s), {} upstream(s), transport {}{}",
                            config.listen().host(), gateway.port, g.pools().size(),
                            g.pools().stream().mapToInt(p -> p.upstreams().size()).sum(),
                            Transports.name(vertx) + ", " + instances + " event loop(s)",
                            g.healthChecker() == null ? ", health checks off" : ", probing every "
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
        return vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                NetServer server = vertx.createNetServer(options).connectHandler(GatewayServer.this::accept);
                servers.add(server);
                return server.listen().map(s -> {
                    port = s.actualPort();
                    shared.ownEndpoints().listening(port);
                    return s;
                });
            }
        }, new DeploymentOptions().setInstances(count)).map(id -> {
            deployments.add(id);
            return (Void) null;
        });
    }

    private NetServerOptions serverOptions(int listenPort) {
        GatewayConfig config = startConfig;
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
        return current.pools();
    }

    /** The config now in force (the latest valid reload). */
    public GatewayConfig config() {
        return current.config();
    }

    /** The admin listener's port; -1 when it is off. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    public HealthReport report() {
        Generation g = current;
        return HealthReport.of(g.pools(), u -> g.healthChecker() == null ? null : g.healthChecker().stats(u));
    }

    public HealthChecker healthChecker() {
        return current.healthChecker();
    }

    /**
     * Applies a new valid config: the next generation is built from this one and swapped in. New connections and new
     * requests use it; tunnels and requests under way finish where they are. Settings that need a restart are
     * reported and keep their old values.
     */
    public void reload(GatewayConfig next) {
        vertx.runOnContext(v -> {
            Generation previous = current;
            Generation g = Generation.build(next, shared, previous);
            metrics.bind(g.pools());
            metrics.users(userNames(next));
            current = g;
            if (previous.healthChecker() != null) {
                previous.healthChecker().stop();
            }
            if (g.healthChecker() != null) {
                g.healthChecker().start(g.pools());
            }
            List<String> changes = g.diff(previous);
            List<String> restart = needRestart(next);
            reloadStatus.applied(next, changes, restart);
            LOG.info("reload: {}", changes.isEmpty() ? "no upstream changed" : String.join("; ", changes));
            restart.forEach(r -> LOG.warn("reload: {} changed: takes effect after a restart", r));
            next.skippedLines().forEach(p -> LOG.warn("reload: skipped {}", p));
            List<String> insecure = new ArrayList<>(next.insecureUpstreams());
            insecure.removeAll(previous.config().insecureUpstreams());
            warnInsecure(insecure, "reload: ");
        });
    }

    /** A new config that is not valid: the running one stays. */
    private static void warnInsecure(List<String> upstreams, String prefix) {
        upstreams.forEach(u -> LOG.warn("{}upstream {}: insecure: true, its TLS certificate is not checked (anyone on the"
                + " path can pose as it and read its credentials and traffic)", prefix, u));
    }

    public void reloadRejected(List<ConfigProblem> problems) {
        reloadStatus.rejected(problems);
        LOG.error("reload: {} problem(s) in {}, keeping the running config:\n  {}", problems.size(), startConfig.source(),
                String.join("\n  ", problems.stream().map(ConfigProblem::toString).toList()));
    }

    private List<String> needRestart(GatewayConfig next) {
        List<String> out = new ArrayList<>();
        if (!next.listen().equals(startConfig.listen())) {
            out.add("listen");
        }
        if (!next.admin().equals(startConfig.admin())) {
            out.add("admin");
        }
        if (!next.server().equals(startConfig.server())) {
            out.add("server");
        }
        if (!next.log().equals(startConfig.log())) {
            out.add("log");
        }
        if (!next.timeouts().idle().equals(startConfig.timeouts().idle())) {
            out.add("timeouts.idle");
        }
        return out;
    }

    /**
     * Watches the config file and its list files and applies every valid change (see {@link #reload}); invalid ones
     * are reported and ignored. {@link ConfigWatcher#checkNow()} reloads at once (SIGHUP).
     */
    public ConfigWatcher watch(ConfigLoader loader, Duration period) {
        ConfigWatcher w = new ConfigWatcher(vertx, loader, startConfig, period, new ConfigWatcher.Listener() {
            @Override
            public void onValid(GatewayConfig config) {
                reload(config);
            }

            @Override
            public void onInvalid(List<ConfigProblem> problems) {
                reloadRejected(problems);
            }
        });
        watcher = w;
        w.start();
        return w;
    }

    /**
     * The graceful stop: no new connections, idle ones closed, requests and tunnels under way given up to
     * {@code timeout} to finish, the rest cut; then everything closes. The report says how many were drained and cut.
     */
    Future<Drain.Report> drain(Duration timeout) {
        if (watcher != null) {
            watcher.stop();
        }
        Drain d = new Drain(vertx, connections);
        drain = d;
        return d.run(servers, timeout).compose(report -> close().transform(ar -> Future.succeededFuture(report)));
    }

    /** During a drain: stop waiting for what is under way. */
    public void cutNow() {
        Drain d = drain;
        if (d != null) {
            d.cutNow();
        }
    }

    /** SIGUSR1: the access log file is opened again (logrotate moved it). */
    public void reopenAccessLog() {
        if (accessWriter != null) {
            accessWriter.reopen();
        }
    }

    /** Writes what the access log still holds (the last lines of a stop). */
    private Future<Void> closeAccessLog() {
        if (accessWriter == null) {
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> {
            accessWriter.close();
            return null;
        });
    }

    /** Client connections open now. */
    public int openConnections() {
        return connections.open();
    }

    public Future<Void> close() {
        if (watcher != null) {
            watcher.stop();
        }
        Generation g = current;
        if (g.healthChecker() != null) {
            g.healthChecker().stop();
        }
        Future<Void> adminClosed = admin == null ? Future.succeededFuture() : admin.close();
        Future<Void> undeployed = Future.all(deployments.stream().map(vertx::undeploy).toList()).mapEmpty();
        return adminClosed.eventually(() -> undeployed).eventually(shared.connector()::close)
                .eventually(this::closeAccessLog);
    }

    private static Set<String> userNames(GatewayConfig config) {
        return config.auth().users().stream().map(UserConfig::username).collect(Collectors.toSet());
    }

    /** What the admin API sees of this gateway. */
    private final class AdminView implements AdminServer.Gateway {
        @Override
        public List<UpstreamPool> pools() {
            return current.pools();
        }

        @Override
        public HealthReport report() {
            return GatewayServer.this.report();
        }

        @Override
        public UpstreamState enabledState() {
            return Generation.initialState(current.config());
        }

        @Override
        public JsonObject configStatus() {
            return reloadStatus.json();
        }

        @Override
        public boolean draining() {
            return connections.draining();
        }
    }

    private void accept(NetSocket socket) {
        ClientConnection.accept(socket, () -> current.context(), startConfig.server().maxRequestHead(), connections);
    }
}
