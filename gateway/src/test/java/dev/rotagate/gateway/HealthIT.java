package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.resilience.UpstreamState;
import dev.rotagate.pool.testing.FakeUpstream;
import dev.rotagate.pool.testing.FakeUpstream.Mode;
import dev.rotagate.pool.testing.RawHttpClient;
import dev.rotagate.pool.testing.TestOrigin;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Active probes driving the state machine, the concurrency bound, and the admin API over HTTP. */
class HealthIT extends WithOrigin {

    static final HttpClient http = HttpClient.newHttpClient();

    private static HttpResponse<String> call(String method, String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).method(method,
                method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String healthYaml(String upstreams, String extra) {
        return "listen: 127.0.0.1:0\nadmin: { address: 127.0.0.1:0, token: s3cret }\n"
                + "timeouts: { connect: 1s, handshake: 1s, response: 2s, idle: 30s }\n" + extra
                + "pools:\n  p:\n    upstreams:\n" + upstreams;
    }

    @Test
    void probesTakeAnUpstreamThroughProbingHealthyEjectedAndBack() throws Exception {
        origin.healthStatus(200);
        try (FakeUpstream up = FakeUpstream.start(vertx, Mode.RELAY, "up");
             TestGateway gw = TestGateway.start(vertx, healthYaml("      - { url: \"" + up.url() + "\", name: up }\n",
                     "health: { interval: 200ms, timeout: 1s, target: \"" + origin.url("/health") + "\", rise: 2, fall: 3 }\n"))) {
            Upstream u = gw.server().pools().get(0).upstream("up");
            assertThat(u.health().state()).as("no traffic before the first probe").isIn(UpstreamState.PROBING, UpstreamState.HEALTHY);

            await().atMost(Duration.ofSeconds(5)).until(() -> u.health().state() == UpstreamState.HEALTHY);
            assertThat(u.health().reason()).isEqualTo("first probe passed");
            origin.healthStatus(503);
            await().atMost(Duration.ofSeconds(10)).until(() -> u.health().state() == UpstreamState.EJECTED);
            assertThat(u.health().reason()).startsWith("3 probes failed, last: status 503 (expected 200-399)");
            assertThat(u.health().ejectedByProbes()).isTrue();
            origin.healthStatus(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> u.health().state() == UpstreamState.HEALTHY);

            assertThat(u.health().reason()).isEqualTo("2 probe(s) passed");
            JsonObject report = new JsonObject(call("GET", "http://127.0.0.1:" + gw.server().adminPort() + "/api/report", "s3cret").body());
            JsonObject row = report.getJsonArray("upstreams").getJsonObject(0);
            assertThat(row.getString("state")).isEqualTo("HEALTHY");
            assertThat(row.getJsonObject("latencyMs").getDouble("p50")).isNotNull();
        }
    }

    @Test
    void exitIpsAreRecordedAndSharedOnesFlagged() throws Exception {
        origin.healthStatus(200);
        try (FakeUpstream a = FakeUpstream.start(vertx, Mode.RELAY, "a");
             FakeUpstream b = FakeUpstream.start(vertx, Mode.RELAY, "b");
             TestGateway gw = TestGateway.start(vertx, healthYaml("      - { url: \"" + a.url() + "\", name: a }\n"
                     + "      - { url: \"" + b.url() + "\", name: b }\n",
                     "health: { interval: 200ms, timeout: 1s, target: \"" + origin.url("/health") + "\", exit-ip-url: \""
                             + origin.url("/ip") + "\" }\n"))) {
            String admin = "http://127.0.0.1:" + gw.server().adminPort();

            await().atMost(Duration.ofSeconds(5)).until(() -> new JsonArray(call("GET", admin + "/api/upstreams", "s3cret").body())
                    .stream().map(o -> (JsonObject) o).allMatch(u -> u.getString("exitIp") != null));

            JsonArray ups = new JsonArray(call("GET", admin + "/api/upstreams", "s3cret").body());
            // both fakes reach the origin from 127.0.0.1: one exit shared by two upstreams
            assertThat(ups.stream().map(o -> (JsonObject) o)).allSatisfy(u -> {
                assertThat(u.getString("exitIp")).isEqualTo("127.0.0.1");
                assertThat(u.getBoolean("sharedExitIp")).isTrue();
            });
        }
    }

    @Test
    void anUpstreamGetsNoTrafficBeforeItsFirstGoodProbe() throws Exception {
        origin.healthStatus(500);
        try (FakeUpstream up = FakeUpstream.start(vertx, Mode.RELAY, "up");
             TestGateway gw = TestGateway.start(vertx, healthYaml("      - { url: \"" + up.url() + "\", name: up }\n",
                     "health: { interval: 10s, timeout: 1s, target: \"" + origin.url("/health") + "\" }\n"));
             RawHttpClient client = new RawHttpClient(gw.port())) {
            RawHttpClient.Response r = client.exchange("GET " + origin.url("/bytes/1") + " HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThat(r.status()).isEqualTo(503);
            assertThat(r.bodyText()).contains("out of rotation");
            assertThat(call("GET", "http://127.0.0.1:" + gw.server().adminPort() + "/readyz", null).statusCode()).isEqualTo(503);
        } finally {
            origin.healthStatus(200);
        }
    }

    @Test
    void probesNeverExceedTheirConcurrency() throws Exception {
        List<FakeUpstream> hanging = new ArrayList<>();
        StringBuilder ups = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            FakeUpstream f = FakeUpstream.start(vertx, Mode.HANG, "h" + i);
            hanging.add(f);
            ups.append("      - { url: \"").append(f.url()).append("\", name: h").append(i).append(" }\n");
        }
        try (TestGateway gw = TestGateway.start(vertx, healthYaml(ups.toString(),
                "health: { interval: 300ms, timeout: 400ms, concurrency: 3, target: \"" + origin.url("/health") + "\" }\n"))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> hanging.stream().allMatch(f -> f.connections() > 0));

            assertThat(gw.server().healthChecker().maxInFlightSeen()).isEqualTo(3);
        } finally {
            for (FakeUpstream f : hanging) {
                f.close();
            }
        }
    }

    @Test
    void adminApiDisablesEnablesBansAndExportsMetrics() throws Exception {
        try (FakeUpstream a = FakeUpstream.start(vertx, Mode.RELAY, "a");
             FakeUpstream b = FakeUpstream.start(vertx, Mode.RELAY, "b");
             TestGateway gw = TestGateway.start(vertx, healthYaml("      - { url: \"" + a.url() + "\", name: a }\n"
                     + "      - { url: \"" + b.url() + "\", name: b }\n", ""));
             RawHttpClient client = new RawHttpClient(gw.port())) {
            String admin = "http://127.0.0.1:" + gw.server().adminPort();

            assertThat(call("GET", admin + "/healthz", null).body()).isEqualTo("ok\n");
            assertThat(call("GET", admin + "/readyz", null).statusCode()).isEqualTo(200);
            assertThat(call("POST", admin + "/api/upstreams/a/disable", null).statusCode()).as("token required").isEqualTo(401);
            assertThat(call("POST", admin + "/api/upstreams/a/disable", "wrong").statusCode()).isEqualTo(401);
            assertThat(call("POST", admin + "/api/upstreams/a/disable", "s3cret").statusCode()).isEqualTo(200);
            for (int i = 0; i < 4; i++) {
                assertThat(client.exchange("GET " + origin.url("/bytes/1") + " HTTP/1.1\r\nHost: x\r\n\r\n")
                        .header("X-Rotagate-Upstream")).as("disabled: out from the next request on").isEqualTo("b");
            }
            JsonArray upstreams = new JsonArray(call("GET", admin + "/api/upstreams", "s3cret").body());
            assertThat(upstreams.getJsonObject(0).getString("state")).isEqualTo("DISABLED");
            assertThat(call("POST", admin + "/api/upstreams/a/enable", "s3cret").statusCode()).isEqualTo(200);
            assertThat(call("POST", admin + "/api/upstreams/nope/enable", "s3cret").statusCode()).isEqualTo(404);
            assertThat(gw.server().pools().get(0).upstream("a").health().state()).isEqualTo(UpstreamState.HEALTHY);

            HttpResponse<String> ban = http.send(HttpRequest.newBuilder(URI.create(admin + "/api/bans"))
                    .header("Authorization", "Bearer s3cret")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"upstream\":\"a\",\"domain\":\"shop.example\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ban.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(ban.body()).getLong("cooldownSeconds")).isEqualTo(60);
            assertThat(gw.server().pools().get(0).bans().isBanned(gw.server().pools().get(0).upstream("a"), "shop.example")).isTrue();

            String metrics = call("GET", admin + "/metrics", "s3cret").body();
            assertThat(metrics).contains("rotagate_upstream_requests_total{pool=\"p\",upstream=\"b\"} 4.0")
                    .contains("rotagate_upstream_state{pool=\"p\",state=\"HEALTHY\",upstream=\"a\"} 1.0")
                    .contains("rotagate_requests_total{protocol=\"http\"}")
                    .contains("rotagate_upstream_connect_latency_seconds_bucket");
            // the page renders the report in the browser (StatusPageIT); here: it is served, and what it loads says so
            assertThat(call("GET", admin + "/", "s3cret").body()).contains("<title>Rotagate</title>").contains("\"api/report\"");
            assertThat(new JsonObject(call("GET", admin + "/api/report", "s3cret").body()).getString("summary"))
                    .contains("2/2 healthy in 1 pool");
        }
    }
}
