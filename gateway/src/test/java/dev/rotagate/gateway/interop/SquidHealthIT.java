package dev.rotagate.gateway.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotagate.gateway.Cli;
import dev.rotagate.gateway.GatewayServer;
import dev.rotagate.gateway.Main;
import dev.rotagate.health.ProbeStats;
import dev.rotagate.pool.Upstream;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Health reports against three real squids (issue 5's acceptance test).
 * <ol>
 *   <li>{@code rotagate health --config FILE}, run in-process: one probe through every squid to the origin; the exit
 *       code follows the monitoring-plugin convention as squids are stopped (0, 1, 2) and restarted (0 again); the
 *       table names the stopped squid first with its upstream-refused error; {@code --format json} is for scripts.</li>
 *   <li>A running gateway probing every second: a stopped squid is ejected by its failed probes within what the
 *       {@code health:} section implies, real curls keep working without ever trying it, {@code rotagate health
 *       --admin} reads the gateway's view (exit 1), {@code /metrics} is valid Prometheus text and shows the ejection;
 *       restarted, the squid is re-admitted by {@code rise} good probes, again within what the config implies.</li>
 * </ol>
 * The tests run in this order and share the squids; each leaves all three running.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SquidHealthIT {

    private static final List<String> NAMES = List.of("sq1", "sq2", "sq3");
    private static final Pattern VIA = Pattern.compile("rg-health-(sq\\d)");
    private static final String POOL = "squids";

    // what the running gateway's health: section says (also written into its YAML below)
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final int RISE = 2;
    private static final int FALL = 3;
    /** HealthChecker: suspect and ejected upstreams are probed every max(1 s, interval / 4). */
    private static final Duration SUSPECT_INTERVAL = Duration.ofMillis(Math.max(1000, INTERVAL.toMillis() / 4));
    /** HealthChecker: every probe delay gets ±10 % jitter; due probes start on a 100 ms tick. */
    private static final double JITTER = 1.1;
    private static final Duration TICK = Duration.ofMillis(100);
    /** For a busy 2-core CI machine: scheduling, squid start-up, our own polling. */
    private static final Duration SLACK = Duration.ofSeconds(2);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5); // the default, not set in the YAML

    private static InteropFixture fx;
    private static final Map<String, ProxyProcess> SQUIDS = new LinkedHashMap<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        fx = InteropFixture.start();
        Curl.requireInstalled();
        for (String name : NAMES) {
            SQUIDS.put(name, fx.proxies().squid("rg-health-" + name));
        }
    }

    @AfterAll
    static void stop() {
        SQUIDS.clear();
        if (fx != null) {
            fx.close();
        }
    }

    // --- 1. rotagate health --config ---------------------------------------------------------------------------------

    @Test
    @Order(1)
    void healthCommandProbesEverySquidOnceAndExitsByTheMonitoringConvention() throws Exception {
        Path config = fx.clientDir().resolve("health-cli.yaml");
        StringBuilder yaml = new StringBuilder("listen: 127.0.0.1:0\n")
                .append("health: { timeout: 2s, target: \"").append(fx.origin().url("/small")).append("\" }\n")
                .append("pools:\n  ").append(POOL).append(":\n    upstreams:\n");
        for (String name : NAMES) {
            yaml.append("      - ").append(InteropFixture.named(SQUIDS.get(name).url("http", null), name)).append('\n');
        }
        Files.writeString(config, yaml);
        try {
            // all up
            Cli.Run up = Cli.run("health", "--config", config.toString());
            assertThat(up.exit()).as(up.describe()).isZero();
            Table all = Table.parse(up);
            assertThat(all.rows()).as(up.describe()).hasSize(3);
            for (Map<String, String> row : all.rows()) {
                assertThat(row.get("POOL")).as(up.describe()).isEqualTo(POOL);
                assertThat(row.get("STATE")).as(up.describe()).isEqualTo("HEALTHY");
                assertThat(row.get("LATENCY")).as(up.describe()).matches("\\d+ ms");
                assertThat(row.get("LAST ERROR")).as(up.describe()).isEmpty();
            }
            assertThat(all.names()).as(up.describe()).containsExactly("sq1", "sq2", "sq3");
            assertThat(all.summary()).isEqualTo("3/3 healthy in 1 pool");
            assertThat(up.err()).contains("probed 3/3");

            // sq2 stopped: some unhealthy
            SQUIDS.get("sq2").stop();
            Cli.Run one = Cli.run("health", "--config", config.toString());
            assertThat(one.exit()).as(one.describe()).isEqualTo(1);
            Table t1 = Table.parse(one);
            assertThat(t1.rows()).as(one.describe()).hasSize(3);
            Map<String, String> first = t1.rows().get(0);
            assertThat(first.get("NAME")).as("first data row: the unhealthy one\n%s", one.describe()).isEqualTo("sq2");
            assertThat(first.get("STATE")).as(one.describe()).isEqualTo("EJECTED");
            assertThat(first.get("LATENCY")).as(one.describe()).isEqualTo("-");
            assertThat(first.get("URL")).as(one.describe()).isEqualTo(SQUIDS.get("sq2").url("http", null));
            assertThat(first.get("LAST ERROR")).as(one.describe()).startsWith("upstream-refused: ");
            for (Map<String, String> row : t1.rows().subList(1, 3)) {
                assertThat(row.get("STATE")).as(one.describe()).isEqualTo("HEALTHY");
                assertThat(row.get("LATENCY")).as(one.describe()).matches("\\d+ ms");
            }
            assertThat(t1.names()).as(one.describe()).containsExactly("sq2", "sq1", "sq3");
            assertThat(t1.summary()).as(one.describe()).isEqualTo("2/3 healthy in 1 pool");

            // all three stopped: the pool is down
            ProxyProcess.stopAll(List.of(SQUIDS.get("sq1"), SQUIDS.get("sq3")));
            Cli.Run none = Cli.run("health", "--config", config.toString());
            assertThat(none.exit()).as(none.describe()).isEqualTo(2);
            Table t0 = Table.parse(none);
            assertThat(t0.rows()).as(none.describe()).allSatisfy(r -> {
                assertThat(r.get("STATE")).isEqualTo("EJECTED");
                assertThat(r.get("LAST ERROR")).startsWith("upstream-refused: ");
            });
            assertThat(t0.summary()).as(none.describe()).isEqualTo("0/3 healthy in 1 pool; no healthy upstream in " + POOL);

            Cli.Run json = Cli.run("health", "--config", config.toString(), "--format", "json");
            assertThat(json.exit()).as(json.describe()).isEqualTo(2);
            JsonObject doc = new JsonObject(json.out());
            assertThat(doc.getInteger("exitCode")).as(json.out()).isEqualTo(2);
            assertThat(doc.getJsonArray("poolsDown").getList()).as(json.out()).containsExactly(POOL);
            assertThat(doc.getJsonArray("pools").getList()).as(json.out()).containsExactly(POOL);
            assertThat(doc.getInteger("healthy")).as(json.out()).isZero();
            assertThat(doc.getInteger("total")).as(json.out()).isEqualTo(3);
            JsonArray upstreams = doc.getJsonArray("upstreams");
            assertThat(upstreams).as(json.out()).hasSize(3);
            for (int i = 0; i < upstreams.size(); i++) {
                JsonObject u = upstreams.getJsonObject(i);
                assertThat(u.getString("state")).as(json.out()).isEqualTo("EJECTED");
                assertThat(u.getString("lastError")).as(json.out()).startsWith("upstream-refused: ");
            }

            // restarted on the same ports: all healthy again
            NAMES.forEach(n -> SQUIDS.get(n).restart());
            Cli.Run back = Cli.run("health", "--config", config.toString());
            assertThat(back.exit()).as(back.describe()).isZero();
            Table tb = Table.parse(back);
            assertThat(tb.rows()).as(back.describe()).allSatisfy(r -> assertThat(r.get("STATE")).isEqualTo("HEALTHY"));
            assertThat(tb.summary()).as(back.describe()).isEqualTo("3/3 healthy in 1 pool");
        } finally {
            restartStopped();
        }
    }

    // --- 2 and 3. a running gateway: probes, admin API, health --admin, /metrics -----------------------------------

    @Test
    @Order(2)
    void aRunningGatewayEjectsAStoppedSquidByProbesAndReadmitsItWhenItIsBack() throws Exception {
        StringBuilder yaml = new StringBuilder("listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\n")
                .append("health: { interval: ").append(INTERVAL.toSeconds()).append("s, timeout: ")
                .append(PROBE_TIMEOUT.toSeconds()).append("s, target: \"").append(fx.origin().url("/small"))
                .append("\", rise: ").append(RISE).append(", fall: ").append(FALL).append(" }\n")
                .append("pools:\n  ").append(POOL).append(":\n    upstreams:\n");
        for (String name : NAMES) {
            yaml.append("      - ").append(InteropFixture.named(SQUIDS.get(name).url("http", null), name)).append('\n');
        }
        yaml.append(InteropFixture.TIMEOUTS).append('\n');
        GatewayServer gateway = fx.gateway(yaml.toString());
        String admin = "http://127.0.0.1:" + gateway.adminPort();
        ProxyProcess squid3 = SQUIDS.get("sq3");
        Upstream sq3 = gateway.pools().get(0).upstream("sq3");
        try {
            await("every squid HEALTHY after its first probe")
                    .atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> NAMES.stream().allMatch(n -> "HEALTHY".equals(upstream(admin, n).getString("state"))));
            assertThat(upstream(admin, "sq3").getString("reason")).isEqualTo("first probe passed");
            // round-robin over three healthy squids: one request through each
            assertThat(curls(gateway, 3)).containsExactlyInAnyOrder("sq1", "sq2", "sq3");

            // sq3 stopped: out of rotation after FALL failed probes
            JsonObject before = upstream(admin, "sq3");
            long stopCalledAt = System.currentTimeMillis();
            squid3.stop();
            long stoppedAt = System.currentTimeMillis();
            // the next probe of a healthy upstream comes within interval (+ jitter), then FALL - 1 more at the suspect
            // interval; each one a tick late at most and taking up to the probe timeout (refused: a few ms)
            Duration ejectWithin = scaled(INTERVAL, JITTER).plus(scaled(SUSPECT_INTERVAL, JITTER).multipliedBy(FALL - 1))
                    .plus(TICK.plus(PROBE_TIMEOUT).multipliedBy(FALL)).plus(SLACK);
            await("sq3 EJECTED by " + FALL + " failed probes within " + ejectWithin.toMillis() + " ms of its stop")
                    .atMost(ejectWithin)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> "EJECTED".equals(upstream(admin, "sq3").getString("state")));
            JsonObject ejected = upstream(admin, "sq3");
            long ejectedAfter = Instant.parse(ejected.getString("since")).toEpochMilli() - stoppedAt;
            assertThat(ejected.getString("reason")).as(ejected.encodePrettily())
                    .startsWith(FALL + " probes failed, last: upstream-refused: ");
            assertThat(ejected.getString("lastError")).as(ejected.encodePrettily()).startsWith("upstream-refused: ");
            assertThat(ejected.getJsonObject("latencyMs").getValue("last")).as(ejected.encodePrettily()).isNull();
            for (String n : List.of("sq1", "sq2")) {
                assertThat(upstream(admin, n).getString("state")).isEqualTo("HEALTHY");
            }

            // real curls keep working and never try sq3
            List<String> servedWhileDown = curls(gateway, 6);
            assertThat(servedWhileDown).containsOnly("sq1", "sq2").contains("sq1", "sq2");
            JsonObject after = upstream(admin, "sq3");
            assertThat(after.getLong("requests")).as("client requests tried on sq3 while it was ejected")
                    .isEqualTo(before.getLong("requests"));
            assertThat(after.getLong("failures")).as("proxy faults on sq3 from client requests")
                    .isEqualTo(before.getLong("failures"));

            // rotagate health --admin reads the gateway's view
            Cli.Run view = Cli.run("health", "--admin", admin);
            assertThat(view.exit()).as(view.describe()).isEqualTo(1);
            Table table = Table.parse(view);
            assertThat(table.rows()).as(view.describe()).hasSize(3);
            assertThat(table.rows().get(0)).as(view.describe())
                    .containsEntry("NAME", "sq3").containsEntry("STATE", "EJECTED");
            assertThat(table.rows().get(0).get("LAST ERROR")).as(view.describe()).startsWith("upstream-refused: ");
            assertThat(table.summary()).as(view.describe()).isEqualTo("2/3 healthy in 1 pool");

            // /metrics: valid Prometheus text with the ejection in it
            HttpResponse<String> metrics = get(admin + "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            Prometheus scrape = Prometheus.parse(metrics.body());
            assertThat(metrics.body()).contains("rotagate_upstream_state{pool=\"" + POOL
                    + "\",state=\"EJECTED\",upstream=\"sq3\"} 1.0\n");
            assertThat(scrape.value("rotagate_upstream_state", Map.of("upstream", "sq3", "state", "EJECTED"))).isEqualTo(1.0);
            assertThat(scrape.value("rotagate_upstream_state", Map.of("upstream", "sq3", "state", "HEALTHY"))).isEqualTo(0.0);
            assertThat(scrape.value("rotagate_upstream_state", Map.of("upstream", "sq1", "state", "HEALTHY"))).isEqualTo(1.0);
            assertThat(scrape.value("rotagate_upstream_state", Map.of("upstream", "sq2", "state", "HEALTHY"))).isEqualTo(1.0);

            // sq3 back: re-admitted by RISE good probes
            long restartCalledAt = System.currentTimeMillis();
            squid3.restart();
            long restartedAt = System.currentTimeMillis();
            ProbeStats stats = gateway.healthChecker().stats(sq3);
            int failedInARow = stats.failedInARow();
            // The probe after the last failure was scheduled at that failure: every suspect interval up to FALL
            // failures, then backing off (doubling per further failure, at most max-backoff). A probe may still fail
            // between reading the count and the restart, hence + 1. Then RISE - 1 more good probes at the suspect
            // interval (still EJECTED until the RISE-th).
            Duration firstGood = scaled(nextDelay(failedInARow + 1), JITTER);
            Duration readmitWithin = firstGood.plus(scaled(SUSPECT_INTERVAL, JITTER).multipliedBy(RISE - 1))
                    .plus(TICK.plus(PROBE_TIMEOUT).multipliedBy(RISE)).plus(SLACK);
            await("sq3 HEALTHY again within " + readmitWithin.toMillis() + " ms of its restart (" + failedInARow
                    + " failed probes in a row when it restarted)")
                    .atMost(readmitWithin)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> "HEALTHY".equals(upstream(admin, "sq3").getString("state")));
            JsonObject readmitted = upstream(admin, "sq3");
            long readmittedAfter = Instant.parse(readmitted.getString("since")).toEpochMilli() - restartedAt;
            assertThat(readmitted.getString("reason")).as(readmitted.encodePrettily())
                    .isEqualTo(RISE + " probe(s) passed");
            assertThat(readmitted.getString("lastError")).as(readmitted.encodePrettily()).isNull();
            assertThat(curls(gateway, 3)).containsExactlyInAnyOrder("sq1", "sq2", "sq3");
            Cli.Run healthy = Cli.run("health", "--admin", admin);
            assertThat(healthy.exit()).as(healthy.describe()).isZero();
            assertThat(Prometheus.parse(get(admin + "/metrics").body())
                    .value("rotagate_upstream_state", Map.of("upstream", "sq3", "state", "HEALTHY"))).isEqualTo(1.0);

            System.out.println("[health] sq3 EJECTED " + ejectedAfter + " ms after its stop (bound "
                    + ejectWithin.toMillis() + " ms; the stop itself took " + (stoppedAt - stopCalledAt) + " ms): "
                    + ejected.getString("reason") + "\n[health] sq3 HEALTHY " + readmittedAfter
                    + " ms after its restart (bound " + readmitWithin.toMillis() + " ms; the restart itself took "
                    + (restartedAt - restartCalledAt) + " ms, "
                    + failedInARow + " failed probes in a row at the restart): " + readmitted.getString("reason")
                    + "\n[health] served while sq3 was down: " + servedWhileDown);
        } finally {
            restartStopped();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** The delay HealthChecker schedules after the {@code failedInARow}-th failed probe in a row (before jitter). */
    private static Duration nextDelay(int failedInARow) {
        if (failedInARow > FALL) {
            int doublings = Math.min(20, failedInARow - FALL);
            return Duration.ofMillis(Math.min(MAX_BACKOFF.toMillis(), SUSPECT_INTERVAL.toMillis() << doublings));
        }
        return SUSPECT_INTERVAL;
    }

    private static Duration scaled(Duration d, double factor) {
        return Duration.ofMillis((long) Math.ceil(d.toMillis() * factor));
    }

    private static void restartStopped() {
        SQUIDS.values().stream().filter(s -> !s.isAlive()).forEach(ProxyProcess::restart);
    }

    /** {@code n} real curls (plain HTTP through the gateway) to the origin; the squids that served them, in order. */
    private static List<String> curls(GatewayServer gateway, int n) {
        List<String> served = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Curl.Result r = Curl.fetch(fx.clientDir(), List.of("-x", "http://127.0.0.1:" + gateway.port(),
                    "--max-time", "10"), fx.origin().url("/small"));
            assertThat(r.exitCode()).as(r::describe).isZero();
            assertThat(r.last().status()).as(r::describe).isEqualTo(200);
            assertThat(r.body()).as(r::describe).asString().isEqualTo(OriginServer.SMALL_TEXT);
            String upstream = r.last().header("X-Rotagate-Upstream");
            assertThat(upstream).as(r::describe).isIn(NAMES);
            // the squid the gateway names is the squid that answered
            assertThat(viaSquid(r.last())).as(r::describe).isEqualTo(upstream);
            served.add(upstream);
        }
        return served;
    }

    private static String viaSquid(Curl.Head head) {
        for (String via : head.headers("Via")) {
            Matcher m = VIA.matcher(via);
            if (m.find()) {
                return m.group(1);
            }
        }
        return null;
    }

    private static HttpResponse<String> get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: GET " + url, e);
        }
    }

    /** One upstream of {@code GET /api/upstreams}. */
    private static JsonObject upstream(String admin, String name) {
        HttpResponse<String> r = get(admin + "/api/upstreams");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonArray all = new JsonArray(r.body());
        for (int i = 0; i < all.size(); i++) {
            JsonObject u = all.getJsonObject(i);
            if (name.equals(u.getString("name"))) {
                return u;
            }
        }
        throw new AssertionError("no upstream " + name + " in /api/upstreams:\n" + r.body());
    }

    // --- the CLI in-process -----------------------------------------------------------------------------------------


    /** The table {@code rotagate health} prints: a header, one row per upstream, a summary line. */
    private record Table(List<Map<String, String>> rows, String summary) {

        private static final List<String> COLUMNS = List.of("POOL", "NAME", "URL", "STATE", "LATENCY", "EXIT IP",
                "LAST ERROR");

        /** Columns are padded to at least two spaces; the last one (LAST ERROR) may hold single spaces. */
        static Table parse(Cli.Run run) {
            List<String> lines = run.out().lines().toList();
            assertThat(lines).as(run.describe()).hasSizeGreaterThanOrEqualTo(2);
            assertThat(lines.get(0).split("\\s{2,}")).as(run.describe()).containsExactlyElementsOf(COLUMNS);
            List<Map<String, String>> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size() - 1)) {
                String[] cells = line.split("\\s{2,}", COLUMNS.size());
                assertThat(cells.length).as("cells of %s\n%s", line, run.describe()).isBetween(COLUMNS.size() - 1,
                        COLUMNS.size());
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < COLUMNS.size(); i++) {
                    row.put(COLUMNS.get(i), i < cells.length ? cells[i] : "");
                }
                rows.add(row);
            }
            return new Table(rows, lines.get(lines.size() - 1));
        }

        List<String> names() {
            return rows.stream().map(r -> r.get("NAME")).toList();
        }
    }

    // --- Prometheus text format 0.0.4 -------------------------------------------------------------------------------

    /**
     * A strict reader of the Prometheus text exposition format: {@code # HELP} and {@code # TYPE} at most once per
     * family and before its samples, every sample of a declared family, label names and quoted values with only the
     * three escapes, Go-style float values, no series twice, a final newline.
     */
    private record Prometheus(Map<String, Map<Map<String, String>, Double>> samples) {

        private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
        private static final Pattern SAMPLE = Pattern.compile("^(" + NAME + ")(?:\\{(.*)})? (\\S+)(?: (-?\\d+))?$");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");
        private static final Pattern VALUE = Pattern.compile("[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|[-+]?Inf|NaN");
        private static final Pattern HELP = Pattern.compile("^# HELP (" + NAME + ") .*$|^# HELP (" + NAME + ")$");
        private static final Pattern TYPE = Pattern.compile("^# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)$");
        private static final Map<String, List<String>> SUFFIXES = Map.of(
                "counter", List.of("", "_total", "_created"),
                "gauge", List.of(""),
                "histogram", List.of("_bucket", "_count", "_sum", "_created"),
                "summary", List.of("", "_count", "_sum", "_created"),
                "untyped", List.of(""));

        static Prometheus parse(String text) {
            assertThat(text).as("scrape").isNotBlank().endsWith("\n");
            Map<String, String> types = new HashMap<>();
            Set<String> helped = new HashSet<>();
            Set<String> sampled = new HashSet<>();
            Map<String, Map<Map<String, String>, Double>> samples = new TreeMap<>();
            int lineNo = 0;
            for (String line : text.split("\n")) {
                lineNo++;
                String where = "line " + lineNo + ": " + line;
                if (line.startsWith("#")) {
                    Matcher help = HELP.matcher(line);
                    Matcher type = TYPE.matcher(line);
                    if (help.matches()) {
                        String family = help.group(1) != null ? help.group(1) : help.group(2);
                        assertThat(helped.add(family)).as("HELP twice, " + where).isTrue();
                    } else if (type.matches()) {
                        String family = type.group(1);
                        assertThat(types.put(family, type.group(2))).as("TYPE twice, " + where).isNull();
                        assertThat(sampled).as("TYPE after samples of the family, " + where).doesNotContain(family);
                    } else {
                        assertThat(line).as("a comment that is neither HELP nor TYPE, " + where).doesNotStartWith("# ");
                    }
                    continue;
                }
                assertThat(line).as("empty line inside the scrape, " + where).isNotEmpty();
                // the format spec's one-line check first, then piece by piece
                assertThat(line).as(where).matches("^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})? [-+0-9.eEINaf]+$");
                Matcher m = SAMPLE.matcher(line);
                assertThat(m.matches()).as("not a sample, " + where).isTrue();
                String name = m.group(1);
                assertThat(m.group(3)).as("value, " + where).matches(VALUE);
                Map<String, String> labels = labels(m.group(2), where);
                String family = family(name, types);
                assertThat(family).as("sample of no declared family (TYPE missing), " + where).isNotNull();
                sampled.add(family);
                double value = m.group(3).endsWith("Inf") ? (m.group(3).startsWith("-") ? Double.NEGATIVE_INFINITY
                        : Double.POSITIVE_INFINITY) : Double.parseDouble(m.group(3));
                Map<Map<String, String>, Double> series = samples.computeIfAbsent(name, k -> new HashMap<>());
                assertThat(series.put(labels, value)).as("series twice, " + where).isNull();
            }
            assertThat(samples).as("samples in the scrape").isNotEmpty();
            return new Prometheus(samples);
        }

        private static Map<String, String> labels(String text, String where) {
            Map<String, String> labels = new TreeMap<>();
            if (text == null || text.isEmpty()) {
                return labels;
            }
            Matcher m = LABEL.matcher(text);
            int at = 0;
            while (at < text.length()) {
                assertThat(m.find(at) && m.start() == at).as("label at column " + at + ", " + where).isTrue();
                assertThat(labels.put(m.group(1), m.group(2))).as("label twice, " + where).isNull();
                at = m.end();
                if (at < text.length()) {
                    assertThat(text.charAt(at)).as("label separator, " + where).isEqualTo(',');
                    at++;
                }
            }
            return labels;
        }

        /** The declared family a sample name belongs to, or null. */
        private static String family(String name, Map<String, String> types) {
            for (Map.Entry<String, String> t : types.entrySet()) {
                for (String suffix : SUFFIXES.get(t.getValue())) {
                    if (name.equals(t.getKey() + suffix)) {
                        return t.getKey();
                    }
                }
            }
            return null;
        }

        /** The one sample of {@code name} whose labels include {@code labels}. */
        double value(String name, Map<String, String> labels) {
            List<Double> found = samples.getOrDefault(name, Map.of()).entrySet().stream()
                    .filter(e -> e.getKey().entrySet().containsAll(labels.entrySet())).map(Map.Entry::getValue).toList();
            assertThat(found).as("%s%s in %s", name, labels, samples.getOrDefault(name, Map.of())).hasSize(1);
            return found.get(0);
        }
    }
}
