package dev.rotagate.gateway;

import dev.rotagate.config.ConfigException;
import dev.rotagate.config.ConfigLoader;
import dev.rotagate.config.ConfigProblem;
import dev.rotagate.config.GatewayConfig;
import dev.rotagate.config.HealthConfig;
import dev.rotagate.health.HealthChecker;
import dev.rotagate.health.HealthReport;
import dev.rotagate.health.JsonRenderer;
import dev.rotagate.health.ProbeResult;
import dev.rotagate.health.Prober;
import dev.rotagate.health.TableRenderer;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.UpstreamPool;
import dev.rotagate.pool.connect.HttpConnectionPool;
import dev.rotagate.pool.connect.UpstreamConnector;
import dev.rotagate.pool.resilience.DomainBans;
import dev.rotagate.pool.resilience.UpstreamState;
import com.github.benmanes.caffeine.cache.Ticker;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Probes every upstream of a config once (no gateway needed), or reads a running gateway's view with
 * {@code --admin URL}; prints a table or JSON. Exit codes follow the monitoring-plugin convention: 0 all healthy,
 * 1 some unhealthy, 2 a pool with no healthy upstream, 3 bad input.
 */
@Command(name = "health", description = "Check every upstream: a table (or JSON) and an exit code for scripts and cron.")
final class HealthCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, description = "config file to probe (default: ${DEFAULT-VALUE})", defaultValue = "rotagate.yaml")
    Path config;

    @Option(names = "--admin", description = "read a running gateway's view instead, e.g. http://127.0.0.1:8081"
            + " (with admin.token: set ROTAGATE_ADMIN_TOKEN)")
    String admin;

    @Option(names = "--format", description = "table or json (default: ${DEFAULT-VALUE})", defaultValue = "table")
    String format;

    @Option(names = "--target", description = "override health.target: an http:// URL, or connect")
    String target;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!format.equals("table") && !format.equals("json")) {
            err.println("rotagate: --format " + format + " (expected: table or json)");
            return HealthReport.BAD_INPUT;
        }
        HealthReport report;
        // the table is the output: state-change log lines of the one-off probe run would only garble it
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.classic.Level level = root.getLevel();
        root.setLevel(ch.qos.logback.classic.Level.ERROR);
        try {
            report = admin != null ? fromAdmin(admin) : probe(err);
        } catch (BadInput e) {
            err.println("rotagate: " + e.getMessage());
            return HealthReport.BAD_INPUT;
        } finally {
            root.setLevel(level);
        }
        out.print(format.equals("json") ? JsonRenderer.render(report).encodePrettily() + "\n" : TableRenderer.render(report));
        out.flush();
        return report.exitCode();
    }

    private static final class BadInput extends Exception {
        BadInput(String message) {
            super(message);
        }
    }

    private HealthReport fromAdmin(String url) throws BadInput {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/report")).timeout(Duration.ofSeconds(10));
            String token = System.getenv("ROTAGATE_ADMIN_TOKEN"); // never a command-line argument: ps shows those
            if (token != null && !token.isEmpty()) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> r = client.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 401) {
                throw new BadInput(base + " needs the admin token: set ROTAGATE_ADMIN_TOKEN");
            }
            if (r.statusCode() != 200) {
                throw new BadInput(base + "/api/report answered " + r.statusCode());
            }
            return JsonRenderer.parse(new JsonObject(r.body()));
        } catch (BadInput e) {
            throw e;
        } catch (Exception e) {
            throw new BadInput("cannot read " + base + "/api/report: " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
    }

    private HealthReport probe(PrintWriter err) throws BadInput {
        GatewayConfig c;
        try {
            c = ConfigLoader.withSystemEnv().load(config);
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                err.println(p);
            }
            throw new BadInput(config + " has " + e.problems().size() + " problem(s)");
        }
        HealthConfig h = withTarget(c.health());
        Vertx vertx = Vertx.vertx();
        try {
            Ticker ticker = Ticker.systemTicker();
            DomainBans bans = new DomainBans(c.bans(), ticker);
            List<UpstreamPool> pools = c.pools().stream().map(p -> UpstreamPool.fromConfig(p, c.breaker(), Duration.ofSeconds(30),
                    bans, UpstreamState.PROBING, ticker)).toList();
            UpstreamConnector connector = new UpstreamConnector(vertx, c.timeouts());
            HttpConnectionPool connections = new HttpConnectionPool(connector, Duration.ofSeconds(1), 1);
            HealthChecker checker = new HealthChecker(vertx, new Prober(vertx, connector, connections, h), h, System::currentTimeMillis);
            List<Upstream> all = new ArrayList<>();
            pools.forEach(p -> all.addAll(p.upstreams()));
            Progress progress = new Progress(err, all.size());
            Map<Upstream, ProbeResult> results = checker.probeOnce(all, progress::update)
                    .await(h.timeout().toMillis() * (all.size() / Math.max(1, h.concurrency()) + 2) + 30_000, TimeUnit.MILLISECONDS);
            progress.done();
            for (UpstreamPool pool : pools) {
                for (Upstream u : pool.upstreams()) {
                    ProbeResult r = results.get(u);
                    pool.states().transition(u, r.ok() ? UpstreamState.HEALTHY : UpstreamState.EJECTED,
                            r.ok() ? "probe passed" : "probe failed: " + r.error());
                }
            }
            return HealthReport.of(pools, checker::stats);
        } catch (Exception e) {
            throw new BadInput("probing failed: " + e);
        } finally {
            vertx.close();
        }
    }

    private HealthConfig withTarget(HealthConfig h) throws BadInput {
        if (target == null) {
            return h;
        }
        if (target.equals("connect")) {
            return new HealthConfig(true, h.interval(), h.timeout(), null, h.connectTarget(), h.expectStatusMin(),
                    h.expectStatusMax(), h.rise(), h.fall(), h.concurrency(), h.probeBeforeUse(), h.exitIpUrl(), h.maxBackoff(),
                    h.suspectFactor());
        }
        if (!target.startsWith("http://")) {
            throw new BadInput("--target " + target + " (expected: an http:// URL or connect)");
        }
        return new HealthConfig(true, h.interval(), h.timeout(), target, h.connectTarget(), h.expectStatusMin(), h.expectStatusMax(),
                h.rise(), h.fall(), h.concurrency(), h.probeBeforeUse(), h.exitIpUrl(), h.maxBackoff(), h.suspectFactor());
    }

    /** A progress bar on a terminal; a line per tenth otherwise (logs stay readable). */
    private static final class Progress {
        private final PrintWriter err;
        private final int total;
        private final boolean terminal = System.console() != null;
        private int lastTenth = -1;

        Progress(PrintWriter err, int total) {
            this.err = err;
            this.total = total;
        }

        synchronized void update(int done) {
            if (terminal) {
                int width = 30;
                int filled = total == 0 ? width : done * width / total;
                err.print("\rprobing [" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total);
                err.flush();
            } else {
                int tenth = total == 0 ? 10 : done * 10 / total;
                if (tenth != lastTenth) {
                    lastTenth = tenth;
                    err.println("probed " + done + "/" + total);
                    err.flush();
                }
            }
        }

        void done() {
            if (terminal) {
                err.print("\r" + " ".repeat(60) + "\r");
                err.flush();
            }
        }
    }
}
