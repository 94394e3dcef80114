package dev.rotagate.gateway;

import dev.rotagate.config.ConfigException;
import dev.rotagate.config.ConfigLoader;
import dev.rotagate.config.ConfigProblem;
import dev.rotagate.config.ConfigWatcher;
import dev.rotagate.config.GatewayConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** Runs the gateway until the process is stopped. */
@Command(name = "serve", description = "Run the gateway.")
final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = {"-c", "--config"}, description = "config file (default: ${DEFAULT-VALUE})", defaultValue = "rotagate.yaml")
    Path config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        GatewayConfig c;
        try {
            c = ConfigLoader.withSystemEnv().load(config);
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                spec.commandLine().getErr().println(p);
            }
            spec.commandLine().getErr().printf("rotagate: %s has %d problem(s); not starting%n", config, e.problems().size());
            return 1;
        }
        Vertx vertx;
        try {
            vertx = Clustering.createVertx(c).await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            spec.commandLine().getErr().println("rotagate: cannot start: " + e.getMessage());
            return 1;
        }
        GatewayServer gateway;
        try {
            gateway = GatewayServer.start(vertx, c).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            spec.commandLine().getErr().println("rotagate: cannot start: " + e.getMessage());
            return 1;
        }
        ConfigWatcher watcher = gateway.watch(ConfigLoader.withSystemEnv(), Duration.ofSeconds(1));
        AtomicInteger stopSignals = new AtomicInteger();
        reloadOnHangup(watcher, stopSignals);
        reopenLogOnUsr1(gateway);
        CountDownLatch stopped = new CountDownLatch(1);
        Duration drainTimeout = c.server().drainTimeout();
        Runnable stop = () -> {
            try {
                Drain.Report r = gateway.drain(drainTimeout).await(drainTimeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
                LOG.info("stopped after {} ms: {} request(s) and tunnel(s) in flight, {} finished, {} cut",
                        r.millis(), r.busy(), r.drained(), r.cut());
            } catch (Exception e) {
                LOG.warn("unclean stop: {}", e.toString());
            }
            try {
                vertx.close().await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("unclean stop: {}", e.toString());
            }
            stopped.countDown();
        };
        if (!stopOnSignals(stop, gateway, stopSignals)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop, "rotagate-shutdown"));
        }
        stopped.await();
        return 0;
    }

    /**
     * SIGTERM or SIGINT: a graceful stop ({@code server.drain-timeout}); a second one cuts what is left at once.
     * False when this JVM does not let us handle them (then a shutdown hook drains).
     */
    private static boolean stopOnSignals(Runnable stop, GatewayServer gateway, AtomicInteger received) {
        Consumer<String> onStop = name -> {
            if (received.incrementAndGet() == 1) {
                LOG.info("SIG{}: stopping; requests and tunnels in flight may finish (a second signal cuts them)", name);
                new Thread(stop, "rotagate-drain").start();
            } else {
                LOG.warn("SIG{} again: cutting what is still open", name);
                gateway.cutNow();
            }
        };
        return onSignal("TERM", onStop) && onSignal("INT", onStop);
    }

    /** {@code kill -USR1}: the access log file is opened again, after logrotate moved it. */
    private static void reopenLogOnUsr1(GatewayServer gateway) {
        if (!onSignal("USR1", name -> gateway.reopenAccessLog())) {
            LOG.warn("SIGUSR1 (reopen the access log) is not available here");
        }
    }

    /** {@code kill -HUP}: reload now instead of within the next second; not any more once stopping. */
    private static void reloadOnHangup(ConfigWatcher watcher, AtomicInteger stopSignals) {
        boolean handled = onSignal("HUP", name -> {
            if (stopSignals.get() > 0) {
                LOG.info("SIGHUP ignored: stopping");
                return;
            }
            LOG.info("SIGHUP: reloading the config");
            watcher.checkNow();
        });
        if (!handled) {
            LOG.warn("SIGHUP reloads are not available here; the file is still watched");
        }
    }

    /** Handles signal {@code name} (without SIG); false when this JVM does not let us. */
    @SuppressWarnings("restriction")
    private static boolean onSignal(String name, Consumer<String> handler) {
        try {
            Signal.handle(new Signal(name), signal -> handler.accept(signal.getName()));
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return false;
        }
    }
}
