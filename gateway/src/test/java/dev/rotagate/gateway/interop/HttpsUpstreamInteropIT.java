package dev.rotagate.gateway.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotagate.gateway.GatewayServer;
import dev.rotagate.pool.testing.TestCertificates;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real squid behind a real stunnel, as an https:// upstream: curl and python-requests through the gateway, with
 * plain HTTP (absolute form inside TLS) and CONNECT (inside TLS); a certificate from another CA is refused as
 * {@code upstream-tls}, and {@code insecure: true} passes anyway. A second stunnel in front of the origin gives
 * python-requests an https:// target, which it only ever fetches through CONNECT.
 */
class HttpsUpstreamInteropIT {

    private static InteropFixture fx;
    private static TestCertificates.Pair proxyCertificate;
    private static TestCertificates.Pair otherCa;
    private static ProxyProcess squid;
    private static ProxyProcess tlsSquid;
    private static ProxyProcess tlsOrigin;
    private static GatewayServer verified;

    @BeforeAll
    static void start() {
        fx = InteropFixture.start();
        Curl.requireInstalled();
        proxyCertificate = TestCertificates.create(fx.clientDir(), "proxy");
        otherCa = TestCertificates.create(fx.clientDir(), "other");
        squid = fx.proxies().squid("rg-tls-squid");
        tlsSquid = fx.proxies().stunnel("squid-tls", squid.port(), proxyCertificate);
        tlsOrigin = fx.proxies().stunnel("origin-tls", fx.origin().port(), proxyCertificate);
        verified = fx.gateway(List.of(upstream("tls-sq", "ca-file: \"" + proxyCertificate.cert() + "\"")));
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private static String upstream(String name, String tlsKey) {
        return "{ url: \"" + tlsSquid.url("https", null) + "\", name: " + name + ", " + tlsKey + " }";
    }

    private static String proxy(GatewayServer gateway) {
        return "http://127.0.0.1:" + gateway.port();
    }

    @Test
    void curlPlainHttpGoesThroughTheTlsSquid() {
        Curl.Result result = Curl.fetch(fx.clientDir(), List.of("-x", proxy(verified)), fx.origin().url("/big"));

        assertThat(result.exitCode()).as(result::describe).isZero();
        assertThat(result.first().status()).as(result::describe).isEqualTo(200);
        assertThat(result.first().header("X-Rotagate-Upstream")).isEqualTo("tls-sq");
        assertThat(String.join(",", result.first().headers("Via"))).as(result::describe).contains("rg-tls-squid");
        assertThat(OriginServer.sha256(result.body())).isEqualTo(OriginServer.BIG_SHA256);
    }

    @Test
    void curlConnectTunnelsThroughTheTlsSquid() {
        long before = squid.timesConnectedTo(fx.origin().port());

        Curl.Result result = Curl.fetch(fx.clientDir(), List.of("-p", "-x", proxy(verified)), fx.origin().url("/small"));

        assertThat(result.exitCode()).as(result::describe).isZero();
        assertThat(result.first().status()).as(result::describe).isEqualTo(200);
        assertThat(result.first().header("X-Rotagate-Upstream")).isEqualTo("tls-sq");
        assertThat(result.body()).asString().isEqualTo(OriginServer.SMALL_TEXT);
        // squid logs a tunnel when it ends, a moment after curl has its answer
        await().atMost(Duration.ofSeconds(10)).until(() -> squid.timesConnectedTo(fx.origin().port()) > before);
    }

    @Test
    void pythonRequestsFetchesHttpAndHttpsTargetsThroughTheTlsSquid() {
        String http = fx.origin().url("/small");
        String https = tlsOrigin.url("https", null) + "/small";

        PythonClients.Run run = PythonClients.requests(fx.clientDir(), proxy(verified), 4, List.of(http, https),
                proxyCertificate.cert());

        assertThat(run.process().exitCode()).as(run::describe).isZero();
        assertThat(run.responses()).as(run::describe).hasSize(4);
        for (PythonClients.Response r : run.responses()) {
            assertThat(r.json().getString("error")).as(run::describe).isNull();
            assertThat(r.json().getInteger("status")).as(run::describe).isEqualTo(200);
            assertThat(r.json().getString("text")).as(run::describe).isEqualTo(OriginServer.SMALL_TEXT);
        }
        // http:// answers name the upstream; https:// ones come through a tunnel, end to end encrypted
        assertThat(run.responses().get(0).json().getJsonObject("headers").getString("x-rotagate-upstream")).isEqualTo("tls-sq");
    }

    @Test
    void aCertificateFromAnotherCaIsRefusedAsUpstreamTls() {
        GatewayServer wrongCa = fx.gateway(List.of(upstream("tls-sq", "ca-file: \"" + otherCa.cert() + "\"")));

        Curl.Result plain = Curl.fetch(fx.clientDir(), List.of("-x", proxy(wrongCa)), fx.origin().url("/small"));
        Curl.Result tunnel = Curl.fetch(fx.clientDir(), List.of("-p", "-x", proxy(wrongCa)), fx.origin().url("/small"));

        assertThat(plain.first().status()).as(plain::describe).isEqualTo(502);
        assertThat(plain.first().header("X-Rotagate-Error")).as(plain::describe).isEqualTo("upstream-tls");
        assertThat(tunnel.first().status()).as(tunnel::describe).isEqualTo(502);
        assertThat(tunnel.first().header("X-Rotagate-Error")).as(tunnel::describe).isEqualTo("upstream-tls");
    }

    @Test
    void insecureTrustsAnyCertificate() {
        GatewayServer insecure = fx.gateway(List.of(upstream("tls-sq", "insecure: true")));

        Curl.Result result = Curl.fetch(fx.clientDir(), List.of("-p", "-x", proxy(insecure)), fx.origin().url("/small"));

        assertThat(result.exitCode()).as(result::describe).isZero();
        assertThat(result.body()).asString().isEqualTo(OriginServer.SMALL_TEXT);
    }
}
