package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.rotagate.config.ConfigLoader;
import dev.rotagate.config.GatewayConfig;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.resilience.UpstreamState;
import dev.rotagate.pool.testing.FakeUpstream;
import dev.rotagate.pool.testing.FakeUpstream.Mode;
import dev.rotagate.pool.testing.FreePorts;
import dev.rotagate.pool.testing.RawHttpClient;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Gateways in one cluster (Vert.x on embedded Hazelcast, TCP join on loopback): an operator's disable and a ban made
 * on one are honoured by the others, also by a member that joins later; a member with another secret stays apart.
 */
class ClusterIT extends WithOrigin {

    static final String SECRET = "correct-horse-battery-staple";
    /** HTTP/1.1: the JDK client's h2c upgrade against the admin listener has hung a test here before. */
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final List<Vertx> members = new ArrayList<>();
    static final List<Integer> ports = new ArrayList<>();
    static FakeUpstream up1;
    static FakeUpstream up2;

    @BeforeAll
    static void start() throws Exception {
        up1 = FakeUpstream.start(vertx, Mode.RELAY, "up1");
        up2 = FakeUpstream.start(vertx, Mode.RELAY, "up2");
        for (int i = 0; i < 4; i++) {
            ports.add(FreePorts.consecutive(1));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (Vertx v : members) {
            v.close().await(30, TimeUnit.SECONDS);
        }
        up1.close();
        up2.close();
    }

    private static GatewayServer member(int index, String secret) throws Exception {
        return member("scrapers", ports, index, secret);
    }

    private static GatewayServer member(String name, List<Integer> ports, int index, String secret) throws Exception {
        return member(name, ports, index, secret, up1, up2, "");
    }

    private static GatewayServer member(String name, List<Integer> ports, int index, String secret, FakeUpstream first,
                                        FakeUpstream second, String extraYaml) throws Exception {
        StringBuilder joined = new StringBuilder();
        for (int p : ports) {
            joined.append(joined.length() == 0 ? "" : ", ").append("\"127.0.0.1:").append(p).append('"');
        }
        String yaml = "listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\n"
                + "cluster: { name: " + name + ", bind: \"127.0.0.1:" + ports.get(index) + "\", members: [" + joined + "],"
                + " secret: \"" + secret + "\" }\n"
                + "pools:\n  p:\n    upstreams:\n"
                + "      - { url: \"" + first.url() + "\", name: up1 }\n      - { url: \"" + second.url() + "\", name: up2 }\n"
                + extraYaml;
        GatewayConfig config = new ConfigLoader(System::getenv).parse(TestGateway.allowingLoopback(yaml), Path.of("m.yaml"));
        Vertx v = Clustering.createVertx(config).await(60, TimeUnit.SECONDS);
        members.add(v);
        return GatewayServer.start(v, config).await(60, TimeUnit.SECONDS);
    }

    private static int post(GatewayServer g, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.adminPort() + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static JsonObject get(GatewayServer g, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.adminPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    private static UpstreamState state(GatewayServer g, String name) {
        return g.pools().get(0).upstream(name).health().state();
    }

    private static boolean banned(GatewayServer g, String upstream, String domain) {
        Upstream u = g.pools().get(0).upstream(upstream);
        return g.pools().get(0).bans().isBanned(u, domain);
    }

    @Test
    void disablesAndBansReachEveryMemberAlsoOneThatJoinsLaterButNotOneWithAnotherSecret() throws Exception {
        Logger hazelcastLog = (Logger) LoggerFactory.getLogger("com.hazelcast");
        ListAppender<ILoggingEvent> hazelcastLines = new ListAppender<>();
        hazelcastLines.start();
        hazelcastLog.addAppender(hazelcastLines);
        GatewayServer a;
        try {
            a = member(0, SECRET);
        } finally {
            hazelcastLog.detachAppender(hazelcastLines);
        }
        String joinName = Clustering.clusterName(a.config().cluster()); // all it takes to join: never in the log
        assertThat(hazelcastLines.list).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(l -> l.contains("[scrapers-<secret>]")).noneMatch(l -> l.contains(joinName));
        GatewayServer b = member(1, SECRET);
        await().atMost(Duration.ofSeconds(30)).until(() -> a.report() != null && b.config() != null
                && ((VertxInternal) members.get(0)).clusterManager().getNodes().size() == 2);

        assertThat(post(a, "/api/upstreams/up1/disable", "")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(1)).until(() -> state(b, "up1") == UpstreamState.DISABLED);
        assertThat(state(b, "up2")).isEqualTo(UpstreamState.HEALTHY);

        assertThat(post(a, "/api/bans", "{\"upstream\": \"up2\", \"domain\": \"shop.example\"}")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(1)).until(() -> banned(b, "up2", "shop.example"));
        assertThat(banned(b, "up2", "other.example")).as("that domain only").isFalse();

        GatewayServer c = member(2, SECRET);
        assertThat(state(c, "up1")).as("a member that joins later").isEqualTo(UpstreamState.DISABLED);
        assertThat(banned(c, "up2", "shop.example")).isTrue();

        JsonObject shared = get(c, "/api/cluster");
        assertThat(shared.getJsonArray("members")).hasSize(3);
        JsonObject disable = shared.getJsonArray("disabled").getJsonObject(0);
        assertThat(disable.getString("upstream")).isEqualTo("up1");
        assertThat(disable.getString("fromAddress")).as("where it came from").isEqualTo("127.0.0.1:" + ports.get(0));
        assertThat(disable.getString("from")).isEqualTo(((VertxInternal) members.get(0)).clusterManager().getNodeId());
        JsonObject ban = shared.getJsonArray("bans").getJsonObject(0);
        assertThat(ban.getString("domain")).isEqualTo("shop.example");
        assertThat(ban.getLong("secondsLeft")).isPositive();
        JsonObject countsOnly = get(c, "/api/cluster?limit=0");
        assertThat(countsOnly.getJsonArray("bans")).isEmpty();
        assertThat(countsOnly.getLong("bansTotal")).isEqualTo(1);
        assertThat(countsOnly.getLong("disabledTotal")).isEqualTo(1);
        JsonObject inReport = get(c, "/api/report").getJsonObject("cluster");
        assertThat(inReport.getJsonArray("members")).hasSize(3);
        assertThat(inReport.getJsonObject("held").getJsonObject("byOrigin").getJsonObject("127.0.0.1:" + ports.get(0)).getMap())
                .as("what c follows, and where it came from").containsEntry("disabled", 1).containsEntry("bans", 1);

        Logger log = (Logger) LoggerFactory.getLogger("cluster");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        GatewayServer stranger;
        try {
            stranger = member(3, "another-secret-of-16-chars");
        } finally {
            log.detachAppender(lines);
        }
        assertThat(state(stranger, "up1")).as("another secret: not in the cluster").isNotEqualTo(UpstreamState.DISABLED);
        assertThat(banned(stranger, "up2", "shop.example")).isFalse();
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).as("the refused member says so")
                .anyMatch(l -> l.startsWith("cluster: refused by the member at [127.0.0.1]:")
                        && l.contains("another cluster.name or another cluster.secret"));
        JsonArray alone = get(stranger, "/api/cluster").getJsonArray("members");
        assertThat(alone).hasSize(1);

        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.adminPort() + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("rotagate_cluster_events_total{direction=\"received\",kind=\"disable\"} 1.0")
                .contains("rotagate_cluster_events_total{direction=\"received\",kind=\"ban\"} 1.0")
                .contains("rotagate_cluster_members 3.0");

        assertThat(post(b, "/api/upstreams/up1/enable", "")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(1)).until(() -> state(a, "up1") != UpstreamState.DISABLED
                && state(c, "up1") != UpstreamState.DISABLED);
    }

    private static String upstreamFor(GatewayServer g, String session) throws Exception {
        String auth = Base64.getEncoder().encodeToString(("x-session-" + session + ":x").getBytes(StandardCharsets.UTF_8));
        try (RawHttpClient client = new RawHttpClient(g.port())) {
            RawHttpClient.Response r = client.exchange("GET " + origin.url("/bytes/10") + " HTTP/1.1\r\nHost: x\r\n"
                    + "Proxy-Authorization: Basic " + auth + "\r\n\r\n");
            assertThat(r.status()).isEqualTo(200);
            return r.header("X-Rotagate-Upstream");
        }
    }

    @Test
    void aSessionThatMovedOnOneMemberLeavesByItsNewUpstreamThroughTheOthers() throws Exception {
        List<Integer> own = List.of(FreePorts.consecutive(1), FreePorts.consecutive(1));
        GatewayServer p = member("sessions", own, 0, SECRET);
        GatewayServer q = member("sessions", own, 1, SECRET);
        await().atMost(Duration.ofSeconds(30)).until(() -> ((VertxInternal) members.get(members.size() - 1))
                .clusterManager().getNodes().size() == 2);
        String first = upstreamFor(p, "s1");
        String other = first.equals("up1") ? "up2" : "up1";
        assertThat(upstreamFor(q, "s1")).as("rendezvous: the same upstream through either").isEqualTo(first);

        // out of rotation on p only (as an ejection there would be): the session moves on p
        Upstream gone = p.pools().get(0).upstream(first);
        p.pools().get(0).states().transition(gone, UpstreamState.DISABLED, "test: out of rotation here only");
        assertThat(upstreamFor(p, "s1")).isEqualTo(other);

        await().atMost(Duration.ofSeconds(1)).until(() -> other.equals(q.pools().get(0).whereIs("s1").upstream().name()));
        assertThat(state(q, first)).as("still fine on q").isEqualTo(UpstreamState.HEALTHY);
        assertThat(upstreamFor(q, "s1")).as("q follows the move").isEqualTo(other);
    }

    @Test
    void anEjectionOnOneMemberMakesTheOthersProbeThatUpstreamAtOnce() throws Exception {
        List<Integer> own = List.of(FreePorts.consecutive(1), FreePorts.consecutive(1));
        // probes once an hour: only the hint can make s look at the dead upstream within seconds
        String probes = "health: { interval: 1h, timeout: 1s, target: \"" + origin.url("/health") + "\", rise: 1, fall: 1 }\n";
        FakeUpstream dying = FakeUpstream.start(vertx, Mode.RELAY, "dying");
        FakeUpstream fine = FakeUpstream.start(vertx, Mode.RELAY, "fine");
        try {
            GatewayServer r = member("ejections", own, 0, SECRET, dying, fine, probes);
            GatewayServer s = member("ejections", own, 1, SECRET, dying, fine, probes);
            await().atMost(Duration.ofSeconds(30)).until(() -> state(r, "up1") == UpstreamState.HEALTHY
                    && state(s, "up1") == UpstreamState.HEALTHY && state(r, "up2") == UpstreamState.HEALTHY
                    && state(s, "up2") == UpstreamState.HEALTHY
                    && ((VertxInternal) members.get(members.size() - 1)).clusterManager().getNodes().size() == 2);

            dying.close();
            r.pools().get(0).states().eject(r.pools().get(0).upstream("up1"), "test: 5 proxy faults in a row");

            await().atMost(Duration.ofSeconds(5)).until(() -> state(s, "up1") == UpstreamState.EJECTED);
            assertThat(s.pools().get(0).upstream("up1").health().reason()).contains("probes failed");
            assertThat(state(s, "up2")).isEqualTo(UpstreamState.HEALTHY);
        } finally {
            fine.close();
        }
    }
}
