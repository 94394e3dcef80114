package dev.rotagate.gateway;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.rotagate.common.Durations;
import dev.rotagate.common.Cidr;
import dev.rotagate.config.ConfigLoader;
import dev.rotagate.config.ConfigProblem;
import dev.rotagate.config.ConfigWatcher;
import dev.rotagate.config.GatewayConfig;
import dev.rotagate.config.ListenerConfig;
import dev.rotagate.config.LogConfig;
import dev.rotagate.config.ServerConfig;
import dev.rotagate.config.UserConfig;
import dev.rotagate.gateway.admin.AdminServer;
import dev.rotagate.gateway.admin.GatewayMetrics;
import dev.rotagate.gateway.forward.AccessLog;
import dev.rotagate.gateway.forward.AccessLogWriter;
import dev.rotagate.gateway.forward.GatewayContext;
import dev.rotagate.gateway.forward.Admission;
import dev.rotagate.gateway.forward.OwnEndpoints;
import dev.rotagate.gateway.forward.RetryBudget;
import dev.rotagate.gateway.forward.TargetResolver;
import dev.rotagate.gateway.frontend.ClientConnection;
import dev.rotagate.gateway.frontend.ClientConnections;
import dev.rotagate.gateway.frontend.Entrance;
import dev.rotagate.health.HealthChecker;
import dev.rotagate.health.HealthReport;
import dev.rotagate.pool.UpstreamPool;
import dev.rotagate.pool.connect.HttpConnectionPool;
import dev.rotagate.pool.connect.UpstreamConnector;
import dev.rotagate.pool.resilience.DomainBans;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
    private final Listeners listeners;
    /** Null without {@code cluster:}. */
    private volatile ClusterState cluster;
    private volatile Drain drain;
    private volatile Generation current;
    private final ReloadStatus reloadStatus;
    private volatile ConfigWatcher watcher;
    /** The peers allowed to send PROXY headers, checked at accept; empty: no check (PROXY off, or from anyone). */
    private final List<Cidr> proxyPeers;
    /** Each connection's way to the generation in force when it starts a request. */
    private final Supplier<GatewayContext> context = () -> current.context();

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
        this.proxyPeers = config.server().proxyProtocol() ? config.server().proxyProtocolFrom() : List.of();
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
        this.admin = config.admin().enabled() ? new AdminServer(vertx, config.admin(), new AdminView(this), metrics) : null;
        int instances = config.server().eventLoops() > 0 ? config.server().eventLoops()
                : Math.max(1, Runtime.getRuntime().availableProcessors());
        this.listeners = new Listeners(vertx, instances, this::serverOptions, this::accept, metrics);
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
        Future<Void> bound = Future.succeededFuture();
        for (ListenerConfig l : config.listeners()) {
            bound = bound.compose(v -> gateway.listeners.bind(l));
        }
        return bound.map(v -> {
                    gateway.knowOwnPorts();
                    return null;
                })
                .compose(v -> !vertx.isClustered() || config.cluster() == null ? Future.succeededFuture()
                        : ClusterState.start(vertx, config.cluster(), gateway::pools,
                                () -> Generation.initialState(gateway.current.config()), gateway.shared.bans(),
                                gateway.metrics).map(c -> {
                                    c.onEjectedElsewhere((pool, u) -> {
                                        HealthChecker checker = gateway.current.healthChecker();
                                        if (checker != null) {
                                            checker.probeSoon(u, pool.states());
                                        }
                                    });
                                    gateway.cluster = c;
                                    return null;
                                }))
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
                    LOG.info("rotagate listening on {}:{}{} (HTTP, CONNECT, SOCKS5, SOCKS4), {} pool(s), {} upstream(s),"
                            + " transport {}{}", config.listen().host(), gateway.port(), gateway.otherListeners(),
                            g.pools().size(), g.pools().stream().mapToInt(p -> p.upstreams().size()).sum(),
                            Transports.name(vertx) + ", " + gateway.listeners.instances() + " event loop(s)",
                            g.healthChecker() == null ? ", health checks off" : ", probing every "
                                    + Durations.format(config.health().interval()));
                    return gateway;
                })
                .recover(e -> gateway.close().transform(v -> Future.failedFuture(e)));
    }

    /** The main listener's port (the first of {@code listen}; the one the system chose for port 0). */
    public int port() {
        List<Integer> ports = listeners.ports().values().stream().findFirst().orElse(List.of());
        return ports.isEmpty() ? -1 : ports.get(0);
    }

    /** The ports each listener is bound on, by listener name. */
    public Map<String, List<Integer>> listenerPorts() {
        return listeners.ports();
    }

    /** A request to one of the gateway's own ports would loop through it: the target policy refuses them. */
    private void knowOwnPorts() {
        listeners.ports().values().forEach(ports -> ports.forEach(shared.ownEndpoints()::listening));
    }

    private String otherListeners() {
        int others = listeners.configs().size() - 1;
        return others == 0 ? "" : " and " + others + " more listener(s)";
    }

    private NetServerOptions serverOptions(int listenPort) {
        GatewayConfig config = startConfig;
        return new NetServerOptions()
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
        ServerConfig running = startConfig.server(); // server settings need a restart: these are the ones in force
        if (running.trustsProxyHeadersFromAnyPeer() && next.auth().byAddress()) {
            reloadRejected(List.of(new ConfigProblem(String.valueOf(next.source()), 0, "auth.allow-ips",
                    "allow-ips would trust PROXY headers from any peer: server.proxy-protocol-from is empty in the"
                            + " running config, and it changes only with a restart")));
            return;
        }
        vertx.runOnContext(v -> {
            Generation previous = current;
            Generation g = Generation.build(next, shared, previous);
            if (cluster != null) {
                cluster.follow(g.pools());
            }
            metrics.bind(g.pools());
            metrics.users(userNames(next));
            current = g;
            if (previous.healthChecker() != null) {
                previous.healthChecker().stop();
            }
            if (g.healthChecker() != null) {
                g.healthChecker().start(g.pools());
            }
            List<String> changes = new ArrayList<>(g.diff(previous));
            List<String> restart = needRestart(next);
            listeners.apply(next.listeners(), connections, startConfig.server().drainTimeout()).onComplete(ar -> {
                if (ar.succeeded()) {
                    changes.addAll(ar.result());
                    knowOwnPorts();
                } else {
                    LOG.error("reload: listeners: {}", ar.cause().getMessage());
                }
                reloadStatus.applied(next, changes, restart);
                LOG.info("reload: {}", changes.isEmpty() ? "nothing changed" : String.join("; ", changes));
            });
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
        if (!Objects.equals(next.cluster(), startConfig.cluster())) {
            out.add("cluster");
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
        return d.run(listeners.servers(), timeout).compose(report -> close().transform(ar -> Future.succeededFuture(report)));
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
        Future<Void> undeployed = listeners.close();
        return adminClosed.eventually(() -> undeployed).eventually(shared.connector()::close)
                .eventually(this::closeAccessLog);
    }

    private static Set<String> userNames(GatewayConfig config) {
        return config.auth().users().stream().map(UserConfig::username).collect(Collectors.toSet());
    }

    // what AdminView reads
    Generation current() {
        return current;
    }

    ReloadStatus reloadStatus() {
        return reloadStatus;
    }

    ClientConnections connections() {
        return connections;
    }

    ClusterState clusterState() {
        return cluster;
    }

    GatewayMetrics metrics() {
        return metrics;
    }

    Listeners listeners() {
        return listeners;
    }

    private void accept(NetSocket socket, Entrance entrance) {
        if (!proxyPeers.isEmpty() && !TrustedPeers.isTrusted(socket, proxyPeers)) {
            socket.close(); // a PROXY header from anyone else could claim any client address
            return;
        }
        ClientConnection.accept(socket, context, startConfig.server().maxRequestHead(), connections, entrance);
    }
}
