package dev.rotagate.gateway.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotagate.gateway.GatewayServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The documented fleet topology without the cluster: a real HAProxy in TCP mode with {@code send-proxy-v2} in front
 * of two gateway instances over a real squid, as {@code examples/cluster/haproxy.cfg}. The real client address
 * reaches {@code auth.allow-ips} through the PROXY header; when one instance goes away, HAProxy's redispatch sends
 * the next connections to the other and no client sees an error.
 */
class LoadBalancerInteropIT {

    private static InteropFixture fx;
    private static GatewayServer a;
    private static GatewayServer b;
    private static ProxyProcess haproxy;
    private static final int STATS_PORT = RealProxies.freePort();

    @BeforeAll
    static void start() {
        fx = InteropFixture.start();
        Curl.requireInstalled();
        ProxyProcess squid = fx.proxies().squid("rg-lb-squid");
        String instance = "server: { proxy-protocol: true, proxy-protocol-from: [ 127.0.0.1 ] }\n"
                + "admin: 127.0.0.1:0\n"
                + "auth:\n  allow-ips: [ 127.0.0.2 ]\n  users: [ { username: scraper, password: pw } ]";
        a = fx.gateway(List.of(InteropFixture.named(squid.url("http", null), "sq")), instance);
        b = fx.gateway(List.of(InteropFixture.named(squid.url("http", null), "sq")), instance);
        haproxy = fx.proxies().haproxy("front", port -> String.join("\n",
                "listen stats",
                "    mode http",
                "    bind 127.0.0.1:" + STATS_PORT,
                "    stats enable",
                "    stats uri /",
                "defaults",
                "    mode tcp",
                "    timeout connect 2s",
                "    timeout client 30s",
                "    timeout server 30s",
                "    retries 3",
                "    option redispatch",
                "frontend proxies",
                "    bind 127.0.0.1:" + port,
                "    default_backend rotagate",
                "backend rotagate",
                "    balance roundrobin",
                "    option httpchk GET /readyz",
                "    http-check expect status 200",
                "    default-server send-proxy-v2 check inter 300ms fall 1 rise 1",
                "    server a 127.0.0.1:" + a.port() + " check port " + a.adminPort(),
                "    server b 127.0.0.1:" + b.port() + " check port " + b.adminPort(),
                ""));
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private static Curl.Result fetch(String from, String proxy) {
        return Curl.fetch(fx.clientDir(), List.of("--interface", from, "-x", proxy), fx.origin().url("/small"));
    }

    private static String front() {
        return "http://127.0.0.1:" + haproxy.port();
    }

    /** HAProxy's own view, from its stats page: whether it has seen backend {@code server} pass its check. */
    private static boolean up(String server) throws Exception {
        HttpResponse<String> csv = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + STATS_PORT + "/;csv")).build(), HttpResponse.BodyHandlers.ofString());
        return csv.body().lines().anyMatch(l -> l.startsWith("rotagate," + server + ",") && l.contains(",UP,"));
    }

    @Test
    void theRealClientAddressCrossesHaproxyAndALostInstanceCostsNoRequest() throws Exception {
        // HAProxy sends nothing to a server before its first check passed: the clients' view starts then
        await().atMost(Duration.ofSeconds(10)).until(() -> up("a") && up("b"));
        for (int i = 0; i < 4; i++) { // round robin: both instances answer
            Curl.Result allowed = fetch("127.0.0.2", front());
            assertThat(allowed.exitCode()).as(allowed::describe).isZero();
            assertThat(allowed.first().status()).as(allowed::describe).isEqualTo(200);
            assertThat(allowed.body()).asString().isEqualTo(OriginServer.SMALL_TEXT);
        }
        Curl.Result other = fetch("127.0.0.1", front());
        assertThat(other.first().status()).as("HAProxy's own address is not the client's").isEqualTo(407);
        Curl.Result withCredentials = fetch("127.0.0.1", "http://scraper:pw@127.0.0.1:" + haproxy.port());
        assertThat(withCredentials.first().status()).as(withCredentials::describe).isEqualTo(200);

        a.close().await(10, TimeUnit.SECONDS); // instance a goes away

        for (int i = 0; i < 6; i++) {
            Curl.Result r = fetch("127.0.0.2", front());
            assertThat(r.exitCode()).as(r::describe).isZero();
            assertThat(r.first().status()).as(r::describe).isEqualTo(200);
            Curl.Result tunnel = Curl.fetch(fx.clientDir(), List.of("--interface", "127.0.0.2", "-p", "-x", front()),
                    fx.origin().url("/small"));
            assertThat(tunnel.body()).as(tunnel::describe).asString().isEqualTo(OriginServer.SMALL_TEXT);
        }
    }
}
