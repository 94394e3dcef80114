package dev.rotagate.gateway;

import dev.rotagate.config.ListenerConfig;
import dev.rotagate.gateway.admin.GatewayMetrics;
import dev.rotagate.gateway.admin.ListenerStats;
import dev.rotagate.gateway.frontend.ClientConnections;
import dev.rotagate.gateway.frontend.Entrance;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;

/**
 * The client-facing listeners, each bound on its ports with one server per event loop and port (Vert.x spreads
 * the connections of a port over them). A reload adds and removes listeners without touching the others: a removed
 * one stops accepting and drains its connections; one that keeps its address and ports but changes what it fixes
 * stays bound and hands its new settings to the connections accepted from then on.
 */
final class Listeners {

    /** One bound listener; {@code config} and {@code stats} change when a reload changes what it fixes. */
    private static final class Bound {
        volatile ListenerConfig config;
        volatile ListenerStats stats;
        final List<String> deployments = new CopyOnWriteArrayList<>();
        final List<NetServer> servers = new CopyOnWriteArrayList<>();
        final List<Integer> ports = new CopyOnWriteArrayList<>();

        Bound(ListenerConfig config, ListenerStats stats) {
            this.config = config;
            this.stats = stats;
        }
    }

    private static final int REBIND_ATTEMPTS = 20;
    private static final long REBIND_DELAY_MILLIS = 100;

    private final Vertx vertx;
    private final int instances;
    private final IntFunction<NetServerOptions> options;
    private final BiConsumer<NetSocket, Entrance> accept;
    private final GatewayMetrics metrics;
    /** In config order; changed only on the context that starts and reloads the gateway. */
    private final Map<ListenerConfig.Where, Bound> bound = new LinkedHashMap<>();
    private Future<Void> previousApply = Future.succeededFuture();

    /**
     * @param options the server options for a port (the listener's host is set on them here)
     * @param accept  takes over each accepted connection
     */
    Listeners(Vertx vertx, int instances, IntFunction<NetServerOptions> options, BiConsumer<NetSocket, Entrance> accept,
              GatewayMetrics metrics) {
        this.vertx = vertx;
        this.instances = instances;
        this.options = options;
        this.accept = accept;
        this.metrics = metrics;
    }

    /** Binds every port of {@code listener}; fails (with the ports bound so far closed) when one is taken. */
    synchronized Future<Void> bind(ListenerConfig listener) {
        Bound b = new Bound(listener, metrics.listener(listener.name()));
        bound.put(listener.where(), b);
        Future<Void> all = Future.succeededFuture();
        for (int port = listener.firstPort(); port <= listener.lastPort(); port++) {
            int p = port;
            all = all.compose(v -> bindPort(b, listener, p));
        }
        return all.recover(e -> {
            unbind(listener, b);
            return Future.failedFuture(new IllegalStateException("listener " + listener.name() + ": cannot listen on "
                    + listener.describe() + ": " + e.getMessage(), e));
        });
    }

    private synchronized void unbind(ListenerConfig listener, Bound b) {
        bound.remove(listener.where(), b); // only its own entry: a later reload may have bound the key again
        b.deployments.forEach(vertx::undeploy);
    }

    int instances() {
        return instances;
    }

    /** Stops every listener at once (the gateway is closing). */
    synchronized Future<Void> close() {
        List<Future<Void>> undeployed = new ArrayList<>();
        bound.values().forEach(b -> b.deployments.forEach(id -> undeployed.add(vertx.undeploy(id))));
        bound.clear();
        return Future.all(undeployed).mapEmpty();
    }

    private Future<Void> bindPort(Bound b, ListenerConfig listener, int port) {
        synchronized (this) {
            if (bound.get(listener.where()) != b) {
                return Future.failedFuture(new IllegalStateException("removed by a reload while it was being bound"));
            }
        }
        NetServerOptions serverOptions = options.apply(port).setHost(listener.host());
        return vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                NetServer server = vertx.createNetServer(serverOptions)
                        // the port this connection really came to, not the one a PROXY header names
                        .connectHandler(socket -> accept.accept(socket, new Entrance(b.config,
                                socket.localAddress(true).port(), b.stats)));
                b.servers.add(server);
                return server.listen().map(s -> {
                    if (!b.ports.contains(s.actualPort())) {
                        b.ports.add(s.actualPort());
                    }
                    return s;
                });
            }
        }, new DeploymentOptions().setInstances(instances)).map(id -> {
            b.deployments.add(id);
            return null;
        });
    }

    /**
     * A reload's listeners: new ones are bound, removed ones stop accepting and drain within {@code drainTimeout},
     * kept ones take their new settings. Returns what changed, for the reload's log line.
     */
    synchronized Future<List<String>> apply(List<ListenerConfig> next, ClientConnections connections, Duration drainTimeout) {
        // one reload at a time: a listener a reload is still binding must not be removed by the next one half-way
        Future<List<String>> applied = previousApply.transform(ignored -> applyNow(next, connections, drainTimeout));
        previousApply = applied.mapEmpty();
        return applied;
    }

    private synchronized Future<List<String>> applyNow(List<ListenerConfig> next, ClientConnections connections,
                                                      Duration drainTimeout) {
        List<String> changes = new ArrayList<>();
        Map<ListenerConfig.Where, ListenerConfig> wanted = new LinkedHashMap<>();
        next.forEach(l -> wanted.put(l.where(), l));
        for (var it = bound.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!wanted.containsKey(e.getKey())) {
                Bound gone = e.getValue();
                it.remove();
                gone.servers.forEach(s -> s.shutdown(drainTimeout.toMillis(), TimeUnit.MILLISECONDS));
                connections.drain(gone.config::sameAddress);
                gone.deployments.forEach(id -> vertx.setTimer(drainTimeout.toMillis() + 1_000, t -> vertx.undeploy(id)));
                changes.add("listener " + gone.config.name() + " removed (draining)");
            }
        }
        Future<Void> added = Future.succeededFuture();
        for (ListenerConfig l : next) {
            Bound b = bound.get(l.where());
            if (b == null) {
                added = added.compose(v -> bindRetrying(l, REBIND_ATTEMPTS).transform(ar -> {
                    changes.add(ar.succeeded() ? "listener " + l.name() + " added on " + l.describe()
                            : "listener " + l.name() + " NOT added: " + ar.cause().getMessage());
                    return Future.<Void>succeededFuture();
                }));
            } else if (!b.config.equals(l)) {
                b.config = l;
                b.stats = metrics.listener(l.name());
                // connections accepted before hold the old user, session, pool and tags: they finish and reconnect
                connections.drain(l::sameAddress);
                changes.add("listener " + l.name() + " changed (its open connections drain)");
            }
        }
        return added.map(v -> changes);
    }

    /**
     * Binds a listener a reload added. Its ports may belong to a listener the same reload removed, whose sockets close
     * a moment later, so a failure is tried again a few times before it is reported.
     */
    private Future<Void> bindRetrying(ListenerConfig listener, int attempts) {
        return bind(listener).recover(e -> {
            if (attempts <= 1) {
                return Future.failedFuture(e);
            }
            Promise<Void> again = Promise.promise();
            vertx.setTimer(REBIND_DELAY_MILLIS, t -> bindRetrying(listener, attempts - 1).onComplete(again));
            return again.future();
        });
    }

    /** Every server of every listener, for the graceful stop. */
    synchronized List<NetServer> servers() {
        List<NetServer> all = new ArrayList<>();
        bound.values().forEach(b -> all.addAll(b.servers));
        return all;
    }

    /** The ports each listener is bound on, by name (port 0 resolved to the port the system chose). */
    synchronized Map<String, List<Integer>> ports() {
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        bound.values().forEach(b -> out.put(b.config.name(), List.copyOf(b.ports)));
        return out;
    }

    synchronized List<ListenerConfig> configs() {
        return bound.values().stream().map(b -> b.config).toList();
    }
}
