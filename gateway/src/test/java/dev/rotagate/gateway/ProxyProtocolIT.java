package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotagate.config.ConfigLoader;
import dev.rotagate.config.GatewayConfig;
import dev.rotagate.config.ServerConfig;
import dev.rotagate.pool.testing.RawHttpClient;
import dev.rotagate.pool.testing.TestOrigin;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** PROXY protocol in front (HAProxy, a cloud load balancer) and the native transport, which must not fall back silently. */
class ProxyProtocolIT {

    @Test
    void proxyHeaderIsConsumedAndTheRequestServed() throws Exception {
        Vertx vertx = Transports.createVertx(new ServerConfig(ServerConfig.Transport.EPOLL, true, 32 * 1024, 0, 0,
                Duration.ofSeconds(30), ServerConfig.ErrorDetail.NAME));
        try (TestOrigin origin = TestOrigin.start(vertx);
             TestGateway gateway = TestGateway.start(vertx, "listen: 127.0.0.1:0\nserver: { transport: epoll, proxy-protocol: true }\n"
                     + "pools:\n  p:\n    upstreams: [ \"direct://\" ]\n");
             RawHttpClient client = new RawHttpClient(gateway.port())) {
            assertThat(vertx.isNativeTransportEnabled()).isTrue();

            RawHttpClient.Response r = client.exchange("PROXY TCP4 192.0.2.10 127.0.0.1 51234 8080\r\n"
                    + "GET " + origin.url("/bytes/10") + " HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(TestOrigin.bytes(10));
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void withoutTheHeaderTheConnectionIsRefused() throws Exception {
        Vertx vertx = Transports.createVertx(ServerConfig.DEFAULTS);
        try (TestGateway gateway = TestGateway.start(vertx, "listen: 127.0.0.1:0\nserver: { proxy-protocol: true }\n"
                + "timeouts: { handshake: 1s }\npools:\n  p:\n    upstreams: [ \"direct://\" ]\n");
             RawHttpClient client = new RawHttpClient(gateway.port())) {
            client.send("GET http://127.0.0.1:9/ HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThat(client.readToEnd()).isEmpty();
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void allowIpsTrustTheProxyHeaderOnlyFromTheListedPeers() throws Exception {
        Vertx vertx = Transports.createVertx(ServerConfig.DEFAULTS);
        try (TestOrigin origin = TestOrigin.start(vertx);
             TestGateway gateway = TestGateway.start(vertx, "listen: 127.0.0.1:0\n"
                     + "server: { proxy-protocol: true, proxy-protocol-from: [ 127.0.0.2 ] }\n"
                     + "auth: { allow-ips: [ 192.0.2.0/24 ] }\n"
                     + "pools:\n  p:\n    upstreams: [ \"direct://\" ]\n");
             RawHttpClient balancer = new RawHttpClient(gateway.port(), "127.0.0.2");
             RawHttpClient outsider = new RawHttpClient(gateway.port(), "127.0.0.1");
             RawHttpClient unlisted = new RawHttpClient(gateway.port(), "127.0.0.2")) {
            String get = "GET " + origin.url("/bytes/10") + " HTTP/1.1\r\nHost: x\r\n\r\n";

            RawHttpClient.Response allowed = balancer.exchange("PROXY TCP4 192.0.2.10 127.0.0.1 51234 8080\r\n" + get);
            outsider.send("PROXY TCP4 192.0.2.10 127.0.0.1 51234 8080\r\n" + get);
            RawHttpClient.Response refused = unlisted.exchange("PROXY TCP4 198.51.100.7 127.0.0.1 51234 8080\r\n" + get);

            assertThat(allowed.status()).as("an allowed client address, from the balancer").isEqualTo(200);
            assertThat(outsider.readToEnd()).as("the same header from another peer").isEmpty();
            assertThat(refused.status()).as("a client address not allowed").isEqualTo(407);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aReloadCannotTurnOnAllowIpsWhilePeersAreNotChecked() throws Exception {
        Vertx vertx = Transports.createVertx(ServerConfig.DEFAULTS);
        String base = "listen: 127.0.0.1:0\nserver: { proxy-protocol: true }\n"
                + "auth:\n  users: [ { username: u, password: p } ]\n"
                + "pools:\n  p:\n    upstreams: [ \"direct://\" ]\n";
        try (TestOrigin origin = TestOrigin.start(vertx);
             TestGateway gateway = TestGateway.start(vertx, base)) {
            // valid on its own, but proxy-protocol-from is a server key: the running gateway still trusts every peer
            String withAllowIps = base.replace("  users:", "  allow-ips: [ 192.0.2.0/24 ]\n  users:")
                    .replace("proxy-protocol: true }", "proxy-protocol: true, proxy-protocol-from: [ 127.0.0.1 ] }");
            gateway.server().reload(parse(withAllowIps));

            // an applied reload is in force within milliseconds: for a whole second, this one must not be
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                    .until(() -> gateway.server().config().auth().allowIps().isEmpty());
            try (RawHttpClient anyone = new RawHttpClient(gateway.port())) {
                RawHttpClient.Response r = anyone.exchange("PROXY TCP4 192.0.2.10 127.0.0.1 51234 8080\r\n"
                        + "GET " + origin.url("/bytes/10") + " HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(r.status()).as("a forged client address gets no free pass").isEqualTo(407);
            }
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static GatewayConfig parse(String yaml) throws Exception {
        return new ConfigLoader(System::getenv).parse(TestGateway.allowingLoopback(yaml), Path.of("test.yaml"));
    }
}
