package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotagate.pool.testing.FakeUpstream;
import dev.rotagate.pool.testing.FakeUpstream.Mode;
import dev.rotagate.pool.testing.FreePorts;
import dev.rotagate.pool.testing.RawHttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A split and its healing, with two gateway processes: one is frozen (SIGSTOP) until the other has dropped it, the
 * other keeps serving on its own view and takes an operator's disable and a ban meanwhile; woken (SIGCONT), the
 * frozen one finds itself apart, Hazelcast merges the two clusters, and it applies what it missed. Hazelcast's
 * timings are shortened for the test through its own system properties.
 */
class ClusterPartitionIT extends WithOrigin {

    private static final List<String> FAST_HAZELCAST = List.of("-Dhazelcast.heartbeat.interval.seconds=1",
            "-Dhazelcast.max.no.heartbeat.seconds=4", "-Dhazelcast.merge.first.run.delay.seconds=2",
            "-Dhazelcast.merge.next.run.delay.seconds=2");
    private static final List<GatewayProcess> processes = new ArrayList<>();
    private static FakeUpstream up1;
    private static FakeUpstream up2;
    private static FakeUpstream up3;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        up1 = FakeUpstream.start(vertx, Mode.RELAY, "up1");
        up2 = FakeUpstream.start(vertx, Mode.RELAY, "up2");
        up3 = FakeUpstream.start(vertx, Mode.RELAY, "up3");
    }

    @AfterAll
    static void stop() throws Exception {
        for (GatewayProcess p : processes) {
            p.close();
        }
        up1.close();
        up2.close();
        up3.close();
    }

    private GatewayProcess member(String name, int[] cluster, int[] admin, int i) throws IOException {
        String yaml = TestGateway.allowingLoopback("listen: 127.0.0.1:0\nadmin: 127.0.0.1:" + admin[i] + "\n"
                + "cluster: { name: split, bind: \"127.0.0.1:" + cluster[i] + "\", members: [\"127.0.0.1:" + cluster[0]
                + "\", \"127.0.0.1:" + cluster[1] + "\"], secret: \"split-test-secret-0123\" }\n"
                + "pools:\n  p:\n    upstreams:\n      - { url: \"" + up1.url() + "\", name: up1 }\n"
                + "      - { url: \"" + up2.url() + "\", name: up2 }\n      - { url: \"" + up3.url() + "\", name: up3 }\n");
        List<String> launcher = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m"));
        launcher.addAll(FAST_HAZELCAST);
        launcher.addAll(List.of("-jar", Path.of("target", "rotagate.jar").toString()));
        GatewayProcess p = GatewayProcess.start(Files.createDirectories(dir.resolve(name)), yaml, launcher);
        processes.add(p);
        return p;
    }

    private static JsonObject get(int adminPort, String path) {
        String body = AdminCalls.get(adminPort, path);
        return body == null ? null : new JsonObject(body);
    }

    private static int post(int adminPort, String path, String body) throws Exception {
        return AdminCalls.post(adminPort, path, body);
    }

    private static int members(int adminPort) {
        JsonObject c = get(adminPort, "/api/cluster");
        return c == null ? -1 : c.getJsonArray("members").size();
    }

    private static String state(int adminPort, String upstream) {
        JsonObject report = get(adminPort, "/api/report");
        if (report == null) {
            return null;
        }
        JsonArray all = report.getJsonArray("upstreams");
        for (int k = 0; k < all.size(); k++) {
            if (upstream.equals(all.getJsonObject(k).getString("name"))) {
                return all.getJsonObject(k).getString("state");
            }
        }
        return null;
    }

    private static boolean banned(int adminPort, String upstream, String domain) {
        JsonObject report = get(adminPort, "/api/report");
        JsonArray bans = report == null ? null : report.getJsonObject("bans").getJsonArray("p/" + upstream);
        return bans != null && bans.stream().anyMatch(b -> domain.equals(((JsonObject) b).getString("domain")));
    }

    private static void signal(GatewayProcess p, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }

    @Test
    void aMemberCutOffForAWhileReceivesWhatTheOtherLearnedMeanwhile() throws Exception {
        int[] cluster = {FreePorts.consecutive(1), FreePorts.consecutive(1)};
        int[] admin = {FreePorts.consecutive(1), FreePorts.consecutive(1)};
        GatewayProcess p = member("p", cluster, admin, 0);
        GatewayProcess q = member("q", cluster, admin, 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> members(admin[0]) == 2 && members(admin[1]) == 2);

        signal(q, "STOP");
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> members(admin[0]) == 1);
            // p works on its own view meanwhile
            assertThat(post(admin[0], "/api/upstreams/up2/disable", "")).isEqualTo(200);
            assertThat(post(admin[0], "/api/bans", "{\"upstream\": \"up3\", \"domain\": \"shop.example\"}")).isEqualTo(200);
            try (RawHttpClient client = new RawHttpClient(p.port())) {
                RawHttpClient.Response r = client.exchange("GET " + origin.url("/bytes/10") + " HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("X-Rotagate-Upstream")).isNotEqualTo("up2");
            }
        } finally {
            signal(q, "CONT");
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> "DISABLED".equalsIgnoreCase(state(admin[1], "up2"))
                && banned(admin[1], "up3", "shop.example") && members(admin[1]) == 2 && members(admin[0]) == 2);
        assertThat(q.output()).contains("cluster: reconciled");

        // healed: changes travel again, both ways (Vert.x re-registers its event-bus consumers after a merge, a moment
        // later than Hazelcast reports the members: a few seconds, not the 1 s of a steady cluster)
        assertThat(post(admin[1], "/api/upstreams/up2/enable", "")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> !"DISABLED".equalsIgnoreCase(state(admin[0], "up2")));
        assertThat(post(admin[0], "/api/upstreams/up1/disable", "")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> "DISABLED".equalsIgnoreCase(state(admin[1], "up1")));
    }
}
