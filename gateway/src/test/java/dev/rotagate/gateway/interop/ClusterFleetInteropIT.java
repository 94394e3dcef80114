package dev.rotagate.gateway.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotagate.gateway.AdminCalls;
import dev.rotagate.gateway.GatewayProcess;
import dev.rotagate.gateway.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fleet of {@code examples/cluster/}, end to end: the shipped {@code haproxy.cfg} (ports changed; two extra
 * frontends that reach one instance each) with PROXY v2 in front of two gateway processes in one cluster, over three
 * real squids. What one instance learns — an operator's disable, a ban from a 429, a session that moved off its
 * stopped upstream — the other honours at once; SIGKILL of one under CONNECT load loses no connection that starts
 * after it, the survivor keeps every shared entry, and a third instance started later receives them.
 */
class ClusterFleetInteropIT {

    private static final String SECRET = "fleet-secret-of-the-interop-test";
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final int[] CLUSTER = {RealProxies.freePort(), RealProxies.freePort(), RealProxies.freePort()};
    private static final int[] ADMIN = {RealProxies.freePort(), RealProxies.freePort(), RealProxies.freePort()};
    private static final int ONLY_A = RealProxies.freePort();
    private static final int ONLY_B = RealProxies.freePort();
    private static final int STATS = RealProxies.freePort();

    private static InteropFixture fx;
    private static final List<ProxyProcess> squids = new ArrayList<>();
    private static final List<GatewayProcess> instances = new ArrayList<>();
    private static ProxyProcess haproxy;

    @BeforeAll
    static void start() throws Exception {
        fx = InteropFixture.start();
        Curl.requireInstalled();
        for (int i = 1; i <= 3; i++) {
            squids.add(fx.proxies().squid("rg-fleet-sq" + i));
        }
        GatewayProcess a = instance(0);
        GatewayProcess b = instance(1);
        String example = Files.readString(Path.of("..", "examples", "cluster", "haproxy.cfg"));
        haproxy = fx.proxies().haproxy("fleet", port -> fromExample(example, port, a.port(), b.port()));
        await().atMost(Duration.ofSeconds(20)).until(() -> up("rotagate", "a") && up("rotagate", "b")
                && up("rotagate-a", "a") && up("rotagate-b", "b"));
    }

    @AfterAll
    static void stop() throws Exception {
        for (GatewayProcess g : instances) {
            g.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    /** Instance {@code i} of the cluster (all three listed as members), over the three squids; no active probes. */
    private static GatewayProcess instance(int i) throws IOException {
        String members = IntStream.of(CLUSTER).mapToObj(p -> "\"127.0.0.1:" + p + "\"").collect(Collectors.joining(", "));
        StringBuilder yaml = new StringBuilder(String.join("\n",
                "listen: 127.0.0.1:0",
                "admin: 127.0.0.1:" + ADMIN[i],
                "server: { proxy-protocol: true, proxy-protocol-from: [ 127.0.0.1/32 ], drain-timeout: 5s }",
                "cluster: { name: fleet, bind: \"127.0.0.1:" + CLUSTER[i] + "\", members: [" + members + "], secret: \""
                        + SECRET + "\" }",
                InteropFixture.TIMEOUTS,
                "bans: { cooldown: 10m }               # outlives the test, however slow the machine",
                "pools:", "  p:", "    upstreams:", ""));
        for (int s = 0; s < squids.size(); s++) {
            yaml.append("      - ").append(InteropFixture.named(squids.get(s).url("http", null), "sq" + (s + 1))).append('\n');
        }
        Path dir = Files.createDirectories(fx.clientDir().resolve("instance-" + i));
        GatewayProcess g = GatewayProcess.start(dir, TestGateway.allowingLoopback(yaml.toString(), fx.origin().port()));
        instances.add(g);
        await().atMost(Duration.ofSeconds(30)).until(() -> admin(i, "/api/cluster") != null);
        return g;
    }

    /** The shipped example with this run's ports, plus HAProxy's stats page and one frontend per instance. */
    private static String fromExample(String example, int front, int portA, int portB) {
        String cfg = example.replace("maxconn 100000", "maxconn 4096")
                .replace("bind 0.0.0.0:8080", "bind 127.0.0.1:" + front)
                .replace("server a 127.0.0.1:18080 check port 18081", "server a 127.0.0.1:" + portA + " check port " + ADMIN[0])
                .replace("server b 127.0.0.1:28080 check port 28081", "server b 127.0.0.1:" + portB + " check port " + ADMIN[1]);
        assertThat(cfg).as("the example still has the lines this test adapts").doesNotContain("18080", "28080", "0.0.0.0");
        StringBuilder extra = new StringBuilder("\nlisten stats\n    mode http\n    bind 127.0.0.1:" + STATS
                + "\n    stats enable\n    stats uri /\n");
        String[][] single = {{"a", Integer.toString(ONLY_A), Integer.toString(portA), Integer.toString(ADMIN[0])},
                {"b", Integer.toString(ONLY_B), Integer.toString(portB), Integer.toString(ADMIN[1])}};
        for (String[] s : single) {
            extra.append("frontend only-").append(s[0]).append("\n    bind 127.0.0.1:").append(s[1])
                    .append("\n    default_backend rotagate-").append(s[0])
                    .append("\nbackend rotagate-").append(s[0])
                    .append("\n    option httpchk GET /readyz\n    http-check expect status 200")
                    .append("\n    default-server send-proxy-v2 check inter 500ms fall 1 rise 1")
                    .append("\n    server ").append(s[0]).append(" 127.0.0.1:").append(s[2]).append(" check port ")
                    .append(s[3]).append('\n');
        }
        return cfg + extra;
    }

    private static boolean up(String backend, String server) throws Exception {
        HttpResponse<String> csv = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + STATS + "/;csv"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return csv.body().lines().anyMatch(l -> l.startsWith(backend + "," + server + ",") && l.contains(",UP,"));
    }

    /** GET on instance {@code i}'s admin API; null when it does not answer 200. */
    private static String admin(int i, String path) {
        return AdminCalls.get(ADMIN[i], path);
    }

    private static int post(int i, String path, String body) throws Exception {
        return AdminCalls.post(ADMIN[i], path, body);
    }

    private static JsonObject upstream(int i, String name) {
        String body = admin(i, "/api/upstreams");
        if (body == null) {
            return null;
        }
        JsonArray all = new JsonArray(body);
        for (int k = 0; k < all.size(); k++) {
            if (name.equals(all.getJsonObject(k).getString("name"))) {
                return all.getJsonObject(k);
            }
        }
        return null;
    }

    private static boolean inState(int i, String name, String state) {
        JsonObject u = upstream(i, name);
        return u != null && state.equalsIgnoreCase(u.getString("state"));
    }

    /** The domains instance {@code i} has banned for upstream {@code name}, from its report. */
    private static Set<String> bannedDomains(int i, String name) {
        String body = admin(i, "/api/report");
        JsonArray list = body == null ? null : new JsonObject(body).getJsonObject("bans").getJsonArray("p/" + name);
        return list == null ? Set.of() : list.stream().map(b -> ((JsonObject) b).getString("domain")).collect(Collectors.toSet());
    }

    /** A plain-HTTP fetch through HAProxy's frontend {@code port}; returns the upstream it left by. */
    private static String fetch(int port, String user, String url, int expectStatus) {
        Curl.Result r = Curl.fetch(fx.clientDir(), List.of("-x", "http://" + (user == null ? "" : user + ":x@")
                + "127.0.0.1:" + port), url);
        assertThat(r.exitCode()).as(r::describe).isZero();
        assertThat(r.first().status()).as(r::describe).isEqualTo(expectStatus);
        return r.first().header("X-Rotagate-Upstream");
    }

    private static String small(String host) {
        return "http://" + host + ":" + fx.origin().port() + "/small";
    }

    @Test
    void whatOneInstanceLearnsTheOthersHonourAndALostInstanceCostsNoNewConnection() throws Exception {
        // a session whose upstream stops: it moves on a, and b follows without ever trying the dead one
        String session = "scraper-session-s1";
        String s = fetch(ONLY_A, session, small("127.0.0.1"), 200);
        assertThat(fetch(ONLY_B, session, small("127.0.0.1"), 200)).as("rendezvous: one upstream through either").isEqualTo(s);
        ProxyProcess stopped = squids.get(Integer.parseInt(s.substring(2)) - 1);
        stopped.stop();
        String moved = null;
        for (int k = 0; k < 8 && !inState(0, s, "EJECTED"); k++) { // each request retries elsewhere; faults eject it on a
            moved = fetch(ONLY_A, session, small("127.0.0.1"), 200);
            assertThat(moved).isNotEqualTo(s);
        }
        assertThat(inState(0, s, "EJECTED")).as("a ejected the stopped squid").isTrue();
        String t = fetch(ONLY_A, session, small("127.0.0.1"), 200); // out of rotation on a: the session moves
        assertThat(t).isNotEqualTo(s);
        await().atMost(Duration.ofSeconds(1)).until(() -> {
            String place = admin(1, "/api/sessions?id=s1");
            return place != null && t.equals(new JsonObject(place).getString("upstream"));
        });
        for (int k = 0; k < 4; k++) {
            assertThat(fetch(ONLY_B, session, small("127.0.0.1"), 200)).as("b follows the move").isEqualTo(t);
            assertThat(fetch(ONLY_A, session, small("127.0.0.1"), 200)).isEqualTo(t);
        }
        assertThat(upstream(1, s).getLong("failures")).as("b never tried the stopped squid").isZero();
        stopped.restart();

        // an operator's disable on a: b honours it within 1 s
        String d = Set.of("sq1", "sq2", "sq3").stream().filter(n -> !n.equals(s) && !n.equals(t)).findFirst().orElseThrow();
        assertThat(post(0, "/api/upstreams/" + d + "/disable", "")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(1)).until(() -> inState(1, d, "DISABLED"));
        for (int k = 0; k < 6; k++) {
            assertThat(fetch(ONLY_B, null, small("127.0.0.1"), 200)).isNotEqualTo(d);
        }

        // a 429 through a bans (its upstream, localhost); b honours it within 1 s, for that domain only
        String x = fetch(ONLY_A, null, "http://localhost:" + fx.origin().port() + "/too-many", 429);
        await().atMost(Duration.ofSeconds(1)).until(() -> bannedDomains(1, x).contains("localhost"));
        List<String> toIp = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            assertThat(fetch(ONLY_B, null, small("localhost"), 200)).as("banned for localhost").isNotEqualTo(x);
            toIp.add(fetch(ONLY_B, null, small("127.0.0.1"), 200));
        }
        assertThat(toIp).as("not banned for another domain").contains(x);

        // SIGKILL of a under CONNECT load through HAProxy's front
        Queue<Attempt> attempts = new ConcurrentLinkedQueue<>(); // read while the clients add: weakly consistent, no lock
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(6);
        for (int c = 0; c < 6; c++) {
            clients.submit(() -> {
                while (running.get()) {
                    attempts.add(tunnel(haproxy.port()));
                }
            });
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> attempts.size() >= 60);
        instances.get(0).kill();
        long killed = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).until(() -> !up("rotagate", "a"));
        long markedDown = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).until(() -> attempts.stream().filter(at -> at.startNanos() > markedDown).count() >= 60);
        running.set(false);
        clients.shutdown();
        assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        List<Attempt> after = attempts.stream().filter(at -> at.startNanos() > killed).toList();
        String lostInFlight = attempts.stream().filter(at -> at.startNanos() <= killed && at.error() != null)
                .map(Attempt::error).toList().toString();
        System.out.printf("fleet: %d tunnels before the kill, %d lost in flight at it (%s); %d opened after it, all fine;"
                + " HAProxy saw a fail its check %d ms after the kill (stats no longer UP)%n", attempts.size() - after.size(),
                attempts.stream().filter(at -> at.startNanos() <= killed && at.error() != null).count(), lostInFlight,
                after.size(), TimeUnit.NANOSECONDS.toMillis(markedDown - killed));
        assertThat(after).as("tunnels opened after the kill (in flight at the kill: %s)", lostInFlight).hasSizeGreaterThan(60)
                .allSatisfy(at -> assertThat(at.error()).as("a tunnel that started %d ms after the kill",
                        TimeUnit.NANOSECONDS.toMillis(at.startNanos() - killed)).isNull());

        // b keeps every shared entry, and names where each came from
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String c = admin(1, "/api/cluster");
            return c != null && new JsonObject(c).getJsonArray("members").size() == 1;
        });
        JsonObject shared = new JsonObject(admin(1, "/api/cluster"));
        String fromA = "127.0.0.1:" + CLUSTER[0];
        assertThat(shared.getJsonArray("disabled").stream().map(JsonObject.class::cast))
                .anyMatch(e -> d.equals(e.getString("upstream")) && fromA.equals(e.getString("fromAddress")));
        assertThat(shared.getJsonArray("bans").stream().map(JsonObject.class::cast))
                .anyMatch(e -> x.equals(e.getString("upstream")) && "localhost".equals(e.getString("domain"))
                        && fromA.equals(e.getString("fromAddress")));
        assertThat(shared.getJsonArray("sessions").stream().map(JsonObject.class::cast))
                .anyMatch(e -> t.equals(e.getString("upstream")) && fromA.equals(e.getString("fromAddress")));

        // a third instance, started now, receives the disable and the ban
        instance(2);
        assertThat(inState(2, d, "DISABLED")).as("the disable, for a member that joins later").isTrue();
        assertThat(bannedDomains(2, x)).as("the ban, for a member that joins later").containsExactly("localhost");
        assertThat(new JsonObject(admin(2, "/api/cluster")).getJsonArray("members")).hasSize(2);
    }

    /** One CONNECT through {@code port} to the origin, one request inside it; the error, or null. */
    private static Attempt tunnel(int port) {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            String target = "127.0.0.1:" + fx.origin().port();
            out.write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String head = readHead(in);
            if (!head.startsWith("HTTP/1.1 200")) {
                return new Attempt(start, "CONNECT answered: " + head.lines().findFirst().orElse("(nothing)"));
            }
            out.write(("GET /small HTTP/1.1\r\nHost: " + target + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Attempt(start, answer.endsWith(OriginServer.SMALL_TEXT) ? null : "inside the tunnel: " + answer);
        } catch (IOException e) {
            return new Attempt(start, e.toString());
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }

    private record Attempt(long startNanos, String error) {
    }
}
