package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.pool.resilience.UpstreamState;
import dev.rotagate.pool.testing.FakeUpstream;
import dev.rotagate.pool.testing.TestOrigin;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.dns.AddressResolverOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SSRF guard from the outside: with the default {@code targets} a client reaches neither the admin API, nor
 * loopback, private or metadata addresses, nor a name that resolves to one (on {@code direct://}); an {@code allow}
 * entry opens exactly what it lists, never the gateway's own ports.
 */
class TargetPolicyIT extends WithOrigin {

    /** Resolves {@code rebind.test} to 127.0.0.1, like a DNS-rebinding name would. */
    static Vertx rebinding;
    static TestGateway byDefault;
    static FakeUpstream proxy;
    static TestGateway throughProxy;

    @BeforeAll
    static void start() throws Exception {
        rebinding = Vertx.vertx(new VertxOptions().setAddressResolverOptions(new AddressResolverOptions()
                .setHostsValue(Buffer.buffer("127.0.0.1 rebind.test\n"))));
        byDefault = TestGateway.start(rebinding, "listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\ntargets: {}\n"
                + "pools:\n  local:\n    upstreams: [ \"direct://\" ]\n");
        proxy = FakeUpstream.start(vertx, FakeUpstream.Mode.RELAY, "up");
        throughProxy = TestGateway.start(vertx, "listen: 127.0.0.1:0\ntargets: { deny-ports: [25] }\n"
                + "pools:\n  p:\n    upstreams: [ \"" + proxy.url() + "\" ]\n");
    }

    @AfterAll
    static void stop() throws Exception {
        byDefault.close();
        throughProxy.close();
        proxy.close();
        rebinding.close().await(10, TimeUnit.SECONDS);
    }

    private static Wire.Reply http(int gateway, String request) throws Exception {
        return Wire.send(gateway, request.getBytes(StandardCharsets.ISO_8859_1), 5_000);
    }

    private static void assertDenied(Wire.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(403);
        assertThat(reply.header("X-Rotagate-Error")).isEqualTo("target-denied");
    }

    @Test
    void theAdminApiCannotBeReachedThroughTheProxy() throws Exception {
        int admin = byDefault.server().adminPort();
        Wire.Reply reply = http(byDefault.port(), "POST http://127.0.0.1:" + admin + "/api/upstreams/direct/disable HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + admin + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

        assertDenied(reply);
        assertThat(byDefault.server().pools().get(0).upstream("direct").health().state()).isEqualTo(UpstreamState.HEALTHY);
        assertDenied(http(byDefault.port(), "CONNECT localhost:" + admin + " HTTP/1.1\r\n\r\n"));
    }

    @Test
    void loopbackPrivateAndMetadataAddressesAreRefusedInEveryForm() throws Exception {
        String[] targets = {"169.254.169.254:80", "127.0.0.1:" + origin.port(), "10.0.0.1:80", "192.168.1.1:80",
            "100.64.0.1:80", "0.0.0.0:" + origin.port(), "[::1]:" + origin.port(), "[::ffff:127.0.0.1]:" + origin.port(),
            "[fe80::1]:80", "[fd00::1]:80", "[64:ff9b::a9fe:a9fe]:80", "localhost:" + origin.port(),
            "app.localhost:" + origin.port(), "224.0.0.1:80", "255.255.255.255:80"};
        for (String target : targets) {
            assertDenied(http(byDefault.port(), "GET http://" + target + "/latest/meta-data/ HTTP/1.1\r\nHost: " + target
                    + "\r\nConnection: close\r\n\r\n"));
            assertDenied(http(byDefault.port(), "CONNECT " + target + " HTTP/1.1\r\n\r\n"));
        }
    }

    @Test
    void socks5GetsNotAllowedByRuleset() throws Exception {
        byte[] connect = {5, 1, 0, 1, (byte) 169, (byte) 254, (byte) 169, (byte) 254, 0, 80};
        Wire.Reply reply = Wire.send(byDefault.port(), Wire.bytes(new byte[] {5, 1, 0}, connect), 5_000);

        assertThat(reply.bytes()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(reply.bytes()[2]).as(reply.toString()).isEqualTo((byte) 5);
        assertThat(reply.bytes()[3]).as("SOCKS5 reply code").isEqualTo((byte) 0x02);
    }

    @Test
    void aNameThatResolvesToLoopbackIsRefusedOnDirect() throws Exception {
        assertDenied(http(byDefault.port(), "GET http://rebind.test:" + origin.port() + "/bytes/3 HTTP/1.1\r\n"
                + "Host: rebind.test\r\nConnection: close\r\n\r\n"));
        assertDenied(http(byDefault.port(), "CONNECT rebind.test:" + origin.port() + " HTTP/1.1\r\n\r\n"));
    }

    @Test
    void anAllowEntryOpensExactlyTheListedTargetAndNeverTheGatewayItself() throws Exception {
        try (TestOrigin other = TestOrigin.start(vertx);
             TestGateway allowing = TestGateway.start(rebinding, "listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\n"
                     + "targets: { allow: [\"127.0.0.1:" + origin.port() + "\", \"rebind.test:" + other.port() + "\","
                     + " \"127.0.0.0/8\"] }\n"
                     + "pools:\n  local:\n    upstreams: [ \"direct://\" ]\n");
             TestGateway onePort = TestGateway.start(rebinding, "listen: 127.0.0.1:0\n"
                     + "targets: { allow: [\"127.0.0.1:" + origin.port() + "\", \"rebind.test:" + other.port() + "\"] }\n"
                     + "pools:\n  local:\n    upstreams: [ \"direct://\" ]\n")) {
            assertThat(http(onePort.port(), "GET http://127.0.0.1:" + origin.port() + "/bytes/3 HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: close\r\n\r\n").status()).isEqualTo(200);
            assertThat(http(onePort.port(), "GET http://rebind.test:" + other.port() + "/bytes/3 HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: close\r\n\r\n").status()).isEqualTo(200);
            assertDenied(http(onePort.port(), "GET http://127.0.0.1:" + other.port() + "/bytes/3 HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: close\r\n\r\n"));
            assertDenied(http(onePort.port(), "GET http://rebind.test:9/bytes/3 HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: close\r\n\r\n"));

            // 127.0.0.0/8 is allowed, yet the gateway's own proxy and admin ports stay out of reach
            assertThat(http(allowing.port(), "CONNECT 127.0.0.1:" + other.port() + " HTTP/1.1\r\n\r\n").status()).isEqualTo(200);
            assertDenied(http(allowing.port(), "CONNECT 127.0.0.1:" + allowing.server().adminPort() + " HTTP/1.1\r\n\r\n"));
            assertDenied(http(allowing.port(), "CONNECT 127.0.0.1:" + allowing.port() + " HTTP/1.1\r\n\r\n"));
            assertDenied(http(allowing.port(), "CONNECT 0.0.0.0:" + allowing.port() + " HTTP/1.1\r\n\r\n"));
        }
    }

    @Test
    void throughAnUpstreamProxyLiteralsAndDeniedPortsNeverReachIt() throws Exception {
        int before = proxy.connections();
        assertDenied(http(throughProxy.port(), "CONNECT 169.254.169.254:80 HTTP/1.1\r\n\r\n"));
        assertDenied(http(throughProxy.port(), "CONNECT localhost:80 HTTP/1.1\r\n\r\n"));
        assertDenied(http(throughProxy.port(), "CONNECT mail.example.com:25 HTTP/1.1\r\n\r\n"));
        assertDenied(http(throughProxy.port(), "GET http://[::1]:80/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        assertThat(proxy.connections()).isEqualTo(before);
    }

    @Test
    void refusalsAreCountedByKind() throws Exception {
        http(byDefault.port(), "CONNECT 10.9.9.9:443 HTTP/1.1\r\n\r\n");
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + byDefault.server().adminPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).containsPattern("rotagate_errors_total\\{kind=\"target-denied\"[^}]*} [1-9]");
    }
}
