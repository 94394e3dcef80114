package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rotagate.config.ConfigLoader;
import dev.rotagate.config.GatewayConfig;
import dev.rotagate.pool.resilience.UpstreamState;
import dev.rotagate.pool.testing.FakeUpstream;
import dev.rotagate.pool.testing.FakeUpstream.Mode;
import dev.rotagate.pool.testing.FreePorts;
import dev.rotagate.pool.testing.RawHttpClient;
import dev.rotagate.pool.testing.RawHttpClient.Response;
import dev.rotagate.pool.testing.TestOrigin;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several listeners on one gateway: a port range where each port is its own sticky session, a port bound to a user
 * (no credentials asked), source-address auth, per-listener figures, and listeners added and removed by a reload
 * without touching the others.
 */
class ListenersIT extends WithOrigin {

    static final int RANGE = 8;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static FakeUpstream up1;
    static FakeUpstream up2;
    static FakeUpstream up3;

    @BeforeAll
    static void start() throws Exception {
        up1 = FakeUpstream.start(vertx, Mode.RELAY, "up1");
        up2 = FakeUpstream.start(vertx, Mode.RELAY, "up2");
        up3 = FakeUpstream.start(vertx, Mode.RELAY, "up3");
    }

    @AfterAll
    static void stop() throws Exception {
        up1.close();
        up2.close();
        up3.close();
    }

    private static String pools() {
        return "pools:\n  p:\n    upstreams:\n"
                + "      - { url: \"" + up1.url() + "\", name: up1 }\n"
                + "      - { url: \"" + up2.url() + "\", name: up2 }\n"
                + "      - { url: \"" + up3.url() + "\", name: up3 }\n";
    }

    private static String get(String path) {
        return "GET " + origin.url(path) + " HTTP/1.1\r\nHost: 127.0.0.1:" + origin.port() + "\r\n\r\n";
    }

    private static Response getOn(int port) throws IOException {
        try (RawHttpClient client = new RawHttpClient(port)) {
            return client.exchange(get("/bytes/10"));
        }
    }

    @Test
    void eachPortOfASessionRangeKeepsItsOwnExitAcrossConnectionsAndProtocols() throws Exception {
        int base = FreePorts.consecutive(RANGE);
        try (TestGateway g = TestGateway.start(vertx, "listen:\n  - 127.0.0.1:0\n"
                + "  - { address: 127.0.0.1, ports: " + base + "-" + (base + RANGE - 1) + ", session: port, name: sticky }\n"
                + pools())) {
            Set<String> exits = new HashSet<>();
            for (int port = base; port < base + RANGE; port++) {
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < 4; i++) {
                    Response r = getOn(port);
                    assertThat(r.status()).isEqualTo(200);
                    seen.add(r.header("X-Rotagate-Upstream"));
                }
                seen.add(socks5Upstream(port));
                assertThat(seen).as("port %d: one exit for every connection, HTTP and SOCKS5", port).hasSize(1);
                exits.addAll(seen);
            }
            assertThat(exits).as("ports spread over the upstreams").hasSizeGreaterThan(1);
            Set<String> main = new HashSet<>();
            try (RawHttpClient client = new RawHttpClient(g.port())) {
                for (int i = 0; i < 3; i++) {
                    main.add(client.exchange(get("/bytes/10")).header("X-Rotagate-Upstream"));
                }
            }
            assertThat(main).as("the main port still rotates per request").hasSize(3);
        }
    }

    /** A SOCKS5 tunnel without credentials (as Chromium opens one) on {@code port}: which upstream carried it. */
    private static String socks5Upstream(int port) throws IOException {
        List<Long> before = connects();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {5, 1, 0});
            assertThat(in.readNBytes(2)).containsExactly(5, 0);
            int target = origin.port();
            out.write(new byte[] {5, 1, 0, 1, 127, 0, 0, 1, (byte) (target >> 8), (byte) target});
            byte[] reply = in.readNBytes(10);
            assertThat(reply[1]).as("SOCKS5 reply").isEqualTo((byte) 0);
            out.write("GET /bytes/10 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            in.readAllBytes();
        }
        List<Long> after = connects();
        List<FakeUpstream> ups = List.of(up1, up2, up3);
        for (int i = 0; i < ups.size(); i++) {
            if (after.get(i) > before.get(i)) {
                return ups.get(i).name();
            }
        }
        throw new AssertionError("no upstream saw the SOCKS5 tunnel's CONNECT");
    }

    private static List<Long> connects() {
        return List.of(up1, up2, up3).stream()
                .map(u -> u.seen().stream().filter(r -> r.method().equals("CONNECT")).count()).toList();
    }

    @Test
    void aListenerBoundToAUserAsksNoCredentialsWhileTheMainPortStillDoes() throws Exception {
        int bound = FreePorts.consecutive(1);
        try (TestGateway g = TestGateway.start(vertx, "listen:\n  - 127.0.0.1:0\n"
                + "  - { address: \"127.0.0.1:" + bound + "\", user: crawler, pool: p, name: crawler-port }\n"
                + "admin: 127.0.0.1:0\n"
                + "auth:\n  users:\n    - { username: crawler, password: pw }\n" + pools())) {
            Response main = getOn(g.port());
            Response onBound = getOn(bound);

            assertThat(main.status()).isEqualTo(407);
            assertThat(onBound.status()).isEqualTo(200);
            assertThat(onBound.body()).isEqualTo(TestOrigin.bytes(10));
            assertThat(socks5Upstream(bound)).isIn("up1", "up2", "up3");

            String metrics = admin(g, "/metrics");
            assertThat(metrics).contains("rotagate_user_requests_total{user=\"crawler\"} 1.0");
            assertThat(metrics).contains("rotagate_listener_connections_total{listener=\"crawler-port\"} 2.0");
            assertThat(metrics).contains("rotagate_listener_requests_total{listener=\"crawler-port\"} 2.0");
            assertThat(metrics).contains("rotagate_listener_connections_total{listener=\"127.0.0.1:0\"} 1.0");
            JsonArray listeners = new JsonObject(admin(g, "/api/report")).getJsonArray("listeners");
            assertThat(listeners).hasSize(2);
            JsonObject row = listeners.getJsonObject(1);
            assertThat(row.getString("name")).isEqualTo("crawler-port");
            assertThat(row.getString("user")).isEqualTo("crawler");
            assertThat(row.getJsonArray("ports").getList()).containsExactly(bound);
            assertThat(row.getLong("requests")).isEqualTo(2);
        }
    }

    @Test
    void allowedSourceAddressesNeedNoCredentialsAndOthersGet407() throws Exception {
        try (TestGateway g = TestGateway.start(vertx, "listen: 127.0.0.1:0\n"
                + "auth:\n  allow-ips: [ 127.0.0.2 ]\n"
                + "  users:\n    - { username: office, password: pw, allow-ips: [ 127.0.0.3/32 ] }\n" + pools());
             RawHttpClient allowed = new RawHttpClient(g.port(), "127.0.0.2");
             RawHttpClient office = new RawHttpClient(g.port(), "127.0.0.3");
             RawHttpClient other = new RawHttpClient(g.port(), "127.0.0.1")) {
            assertThat(allowed.exchange(get("/bytes/10")).status()).isEqualTo(200);
            assertThat(office.exchange(get("/bytes/10")).status()).isEqualTo(200);
            Response refused = other.exchange(get("/bytes/10"));
            assertThat(refused.status()).isEqualTo(407);
            assertThat(refused.header("X-Rotagate-Error")).isEqualTo("auth-required");
        }
    }

    @Test
    void aReloadAddsAndRemovesListenersWithoutTouchingTheOthersAndARemovedOneDrains() throws Exception {
        int extra = FreePorts.consecutive(1);
        String withExtra = "listen:\n  - 127.0.0.1:0\n  - { address: \"127.0.0.1:" + extra + "\", name: extra }\n" + pools();
        try (TestGateway g = TestGateway.start(vertx, "listen:\n  - 127.0.0.1:0\n" + pools());
             RawHttpClient mainClient = new RawHttpClient(g.port())) {
            assertThat(mainClient.exchange(get("/bytes/10")).status()).isEqualTo(200);
            assertThatThrownBy(() -> getOn(extra)).isInstanceOf(ConnectException.class);

            g.server().reload(parse(withExtra));
            await().atMost(Duration.ofSeconds(5)).until(() -> g.server().listenerPorts().containsKey("extra"));
            assertThat(getOn(extra).status()).isEqualTo(200);
            assertThat(mainClient.exchange(get("/bytes/10")).status()).as("the main port's keep-alive connection").isEqualTo(200);

            try (RawHttpClient tunnel = new RawHttpClient(extra)) {
                String target = "127.0.0.1:" + origin.port();
                tunnel.send("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n");
                assertThat(tunnel.read().status()).isEqualTo(200);

                g.server().reload(parse("listen:\n  - 127.0.0.1:0\n" + pools()));
                await().atMost(Duration.ofSeconds(5)).until(() -> !g.server().listenerPorts().containsKey("extra"));
                await().atMost(Duration.ofSeconds(5)).untilAsserted(
                        () -> assertThatThrownBy(() -> getOn(extra)).isInstanceOf(ConnectException.class));

                tunnel.send("GET /bytes/50000 HTTP/1.1\r\nHost: " + target + "\r\n\r\n");
                Response inner = tunnel.read();
                assertThat(inner.status()).as("the tunnel under way on the removed listener").isEqualTo(200);
                assertThat(inner.body()).isEqualTo(TestOrigin.bytes(50000));
            }
            assertThat(mainClient.exchange(get("/bytes/10")).status()).isEqualTo(200);
        }
    }

    @Test
    void aListenerWhoseSettingsChangeClosesItsOpenConnectionsAfterTheirRequest() throws Exception {
        int port = FreePorts.consecutive(1);
        String before = "listen:\n  - 127.0.0.1:0\n  - { address: \"127.0.0.1:" + port + "\", user: crawler }\n"
                + "auth:\n  users: [ { username: crawler, password: pw } ]\n" + pools();
        try (TestGateway g = TestGateway.start(vertx, before);
             RawHttpClient keptAlive = new RawHttpClient(port)) {
            assertThat(keptAlive.exchange(get("/bytes/10")).status()).as("the bound user, no credentials").isEqualTo(200);

            g.server().reload(parse(before.replace(", user: crawler", "")));

            assertThat(keptAlive.readToEnd()).as("closed: it must not stay crawler's").isEmpty();
            try (RawHttpClient fresh = new RawHttpClient(port)) {
                assertThat(fresh.exchange(get("/bytes/10")).status()).as("the new settings ask for credentials").isEqualTo(407);
            }
        }
    }

    @Test
    void targetsNoUpstreamCanReachNeitherMoveAPortsSessionNorCountAgainstTheUpstreams() throws Exception {
        int port = FreePorts.consecutive(1);
        try (TestGateway g = TestGateway.start(vertx, "listen:\n  - 127.0.0.1:0\n"
                + "  - { address: \"127.0.0.1:" + port + "\", session: port }\n" + pools())) {
            String pinned = getOn(port).header("X-Rotagate-Upstream");
            for (int i = 0; i < 8; i++) {
                // what headless Chromium does in the background: update.googleapis.com and friends, unreachable here
                String target = "host" + i + FakeUpstream.CANNOT_FORWARD + ":443";
                try (RawHttpClient client = new RawHttpClient(port)) {
                    Response r = client.exchange("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n");
                    assertThat(r.status()).isEqualTo(502);
                    assertThat(r.header("X-Rotagate-Error")).isEqualTo("target-unreachable");
                }
            }

            assertThat(getOn(port).header("X-Rotagate-Upstream")).as("the port's session stays where it was").isEqualTo(pinned);
            assertThat(g.server().pools().get(0).upstreams()).allSatisfy(u ->
                    assertThat(u.health().state()).as(u.name()).isEqualTo(UpstreamState.HEALTHY));
        }
    }

    private static GatewayConfig parse(String yaml) throws Exception {
        return new ConfigLoader(System::getenv).parse(TestGateway.allowingLoopback(yaml), Path.of("test.yaml"));
    }

    private static String admin(TestGateway g, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.server().adminPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
