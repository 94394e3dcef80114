package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.rotagate.health.UpstreamReport;
import dev.rotagate.pool.testing.FakeUpstream;
import dev.rotagate.pool.testing.FakeUpstream.Mode;
import dev.rotagate.pool.testing.RawHttpClient;
import dev.rotagate.pool.testing.RawHttpClient.Response;
import dev.rotagate.pool.testing.TestCertificates;
import dev.rotagate.pool.testing.TestOrigin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * https:// upstreams (TLS to the proxy, then CONNECT or absolute form inside) and {@code tunnel: always}, against
 * fake proxies on loopback, seen from a client socket.
 */
class HttpsUpstreamIT extends WithOrigin {

    @TempDir
    static Path dir;
    static TestCertificates.Pair trusted;
    static TestCertificates.Pair stranger;
    static FakeUpstream tls;
    static FakeUpstream plain;

    @BeforeAll
    static void start() throws Exception {
        trusted = TestCertificates.create(dir, "trusted");
        stranger = TestCertificates.create(dir, "stranger");
        tls = FakeUpstream.startTls(vertx, "tls", trusted);
        plain = FakeUpstream.start(vertx, Mode.RELAY, "plain");
    }

    @AfterAll
    static void stop() throws Exception {
        tls.close();
        plain.close();
    }

    private static TestGateway gateway(String upstream, String... extra) throws Exception {
        return TestGateway.start(vertx, "listen: 127.0.0.1:0\n"
                + "timeouts: { connect: 2s, handshake: 2s, response: 5s, idle: 30s }\n"
                + "pools:\n  p:\n" + String.join("", extra) + "    upstreams:\n      - " + upstream + "\n");
    }

    private static String get(String path) {
        return "GET " + origin.url(path) + " HTTP/1.1\r\nHost: 127.0.0.1:" + origin.port() + "\r\n\r\n";
    }

    private static String connectAndGet(String path) {
        String target = "127.0.0.1:" + origin.port();
        return "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n"
                + "GET " + path + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n";
    }

    @Test
    void plainHttpGoesInAbsoluteFormInsideVerifiedTls() throws Exception {
        int before = tls.seen().size();
        try (TestGateway g = gateway("{ url: \"" + tls.url() + "\", name: tls, ca-file: \"" + trusted.cert() + "\" }");
             RawHttpClient client = new RawHttpClient(g.port())) {
            Response first = client.exchange(get("/bytes/70000"));
            Response second = client.exchange(get("/bytes/10"));

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).isEqualTo(TestOrigin.bytes(70000));
            assertThat(first.header("X-Rotagate-Upstream")).isEqualTo("tls");
            assertThat(second.status()).isEqualTo(200);
            assertThat(tls.seen().subList(before, tls.seen().size()))
                    .extracting(TestOrigin.Seen::uri).containsExactly(origin.url("/bytes/70000"), origin.url("/bytes/10"));
        }
    }

    @Test
    void connectTunnelsInsideVerifiedTls() throws Exception {
        int before = tls.seen().size();
        try (TestGateway g = gateway("{ url: \"" + tls.url() + "\", name: tls, ca-file: \"" + trusted.cert() + "\" }");
             RawHttpClient client = new RawHttpClient(g.port())) {
            client.send(connectAndGet("/bytes/300000"));

            Response established = client.read();
            Response inner = client.read();

            assertThat(established.status()).isEqualTo(200);
            assertThat(established.header("X-Rotagate-Upstream")).isEqualTo("tls");
            assertThat(inner.body()).isEqualTo(TestOrigin.bytes(300000));
            assertThat(tls.seen().subList(before, tls.seen().size())).extracting(TestOrigin.Seen::method)
                    .containsExactly("CONNECT");
        }
    }

    @Test
    void credentialsTravelInsideTlsAndARefusalIsAnUpstreamAuthFault() throws Exception {
        try (FakeUpstream guarded = FakeUpstream.startTls(vertx, "guarded", trusted, "alice:s3cret")) {
            String right = guarded.url();
            String wrong = right.replace("alice:s3cret", "alice:wrong");
            try (TestGateway g = gateway("{ url: \"" + right + "\", name: guarded, ca-file: \"" + trusted.cert() + "\" }");
                 RawHttpClient client = new RawHttpClient(g.port())) {
                client.send(connectAndGet("/bytes/10"));
                assertThat(client.read().status()).isEqualTo(200);
                assertThat(client.read().body()).isEqualTo(TestOrigin.bytes(10));
                assertThat(guarded.seen().get(0).header("Proxy-Authorization")).startsWith("Basic ");
            }
            try (TestGateway g = gateway("{ url: \"" + wrong + "\", name: guarded, ca-file: \"" + trusted.cert() + "\" }");
                 RawHttpClient client = new RawHttpClient(g.port())) {
                client.send(connectAndGet("/bytes/10"));
                Response r = client.read();

                assertThat(r.status()).isEqualTo(502);
                assertThat(r.header("X-Rotagate-Error")).isEqualTo("upstream-auth");
            }
        }
    }

    @Test
    void aCertificateFromAnotherCaIsAnUpstreamTlsFault() throws Exception {
        try (TestGateway g = gateway("{ url: \"" + tls.url() + "\", name: tls, ca-file: \"" + stranger.cert() + "\" }");
             RawHttpClient client = new RawHttpClient(g.port())) {
            Response r = client.exchange(get("/bytes/10"));

            assertThat(r.status()).isEqualTo(502);
            assertThat(r.header("X-Rotagate-Error")).isEqualTo("upstream-tls");
            assertThat(r.bodyText()).contains("TLS handshake failed");
        }
        try (TestGateway g = gateway("{ url: \"" + tls.url() + "\", name: tls, ca-file: \"" + stranger.cert() + "\" }");
             RawHttpClient client = new RawHttpClient(g.port())) {
            client.send(connectAndGet("/bytes/10"));
            Response r = client.read();

            assertThat(r.status()).isEqualTo(502);
            assertThat(r.header("X-Rotagate-Error")).isEqualTo("upstream-tls");
        }
    }

    @Test
    void withoutCaFileTheJdkTrustStoreDecidesAndRefusesASelfSignedProxy() throws Exception {
        try (TestGateway g = gateway("\"" + tls.url() + "\"");
             RawHttpClient client = new RawHttpClient(g.port())) {
            Response r = client.exchange(get("/bytes/10"));

            assertThat(r.status()).isEqualTo(502);
            assertThat(r.header("X-Rotagate-Error")).isEqualTo("upstream-tls");
        }
    }

    @Test
    void aProxyThatSpeaksNoTlsIsAnUpstreamTlsFault() throws Exception {
        String url = plain.url().replace("http://", "https://");
        try (TestGateway g = gateway("{ url: \"" + url + "\", name: notls, ca-file: \"" + trusted.cert() + "\" }");
             RawHttpClient client = new RawHttpClient(g.port())) {
            Response r = client.exchange(get("/bytes/10"));

            assertThat(r.status()).isEqualTo(502);
            assertThat(r.header("X-Rotagate-Error")).isEqualTo("upstream-tls");
        }
    }

    @Test
    void insecureSkipsTheCheckAndIsWarnedAboutAtStart() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger(GatewayServer.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        try (TestGateway g = gateway("{ url: \"" + tls.url() + "\", name: tls, insecure: true }");
             RawHttpClient client = new RawHttpClient(g.port())) {
            Response r = client.exchange(get("/bytes/10"));

            assertThat(r.status()).isEqualTo(200);
            assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anyMatch(m -> m.contains("upstream p/tls: insecure: true, its TLS certificate is not checked"));
        } finally {
            log.detachAppender(lines);
        }
    }

    @Test
    void tunnelAlwaysSendsPlainHttpThroughConnectToEachTarget() throws Exception {
        int before = plain.seen().size();
        try (TestGateway g = gateway("{ url: \"" + plain.url() + "\", name: plain, tunnel: always }");
             RawHttpClient client = new RawHttpClient(g.port())) {
            Response r = client.exchange(get("/bytes/1000"));

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(TestOrigin.bytes(1000));
            assertThat(r.header("X-Rotagate-Upstream")).isEqualTo("plain");
            assertThat(plain.seen().subList(before, plain.seen().size())).extracting(TestOrigin.Seen::method)
                    .containsExactly("CONNECT");
        }
    }

    @Test
    void aPoolWideTunnelAlwaysAppliesToHttpsUpstreamsToo() throws Exception {
        int before = tls.seen().size();
        try (TestGateway g = gateway("{ url: \"" + tls.url() + "\", name: tls }",
                "    tunnel: always\n    ca-file: \"" + trusted.cert() + "\"\n");
             RawHttpClient client = new RawHttpClient(g.port())) {
            Response r = client.exchange(get("/bytes/1000"));

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(TestOrigin.bytes(1000));
            assertThat(tls.seen().subList(before, tls.seen().size())).extracting(TestOrigin.Seen::method)
                    .containsExactly("CONNECT");
        }
    }

    @Test
    void healthProbesGoThroughTlsAndReportItsFailures() throws Exception {
        try (TestGateway g = TestGateway.start(vertx, "listen: 127.0.0.1:0\n"
                + "health: { interval: 200ms, timeout: 1s, target: \"" + origin.url("/health") + "\", rise: 1, fall: 1 }\n"
                + "pools:\n  p:\n    upstreams:\n"
                + "      - { url: \"" + tls.url() + "\", name: good, ca-file: \"" + trusted.cert() + "\" }\n"
                + "      - { url: \"" + tls.url().replace("127.0.0.1", "localhost") + "\", name: bad, ca-file: \"" + stranger.cert() + "\" }\n")) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Map<String, UpstreamReport> rows = g.server().report().upstreams().stream()
                        .collect(Collectors.toMap(UpstreamReport::name, r -> r));
                assertThat(rows.get("good").state()).isEqualTo("HEALTHY");
                assertThat(rows.get("bad").state()).isNotEqualTo("HEALTHY");
                assertThat(rows.get("bad").lastError()).startsWith("upstream-tls: TLS handshake failed");
            });
        }
    }
}
