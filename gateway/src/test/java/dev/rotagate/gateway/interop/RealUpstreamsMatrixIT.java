package dev.rotagate.gateway.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotagate.gateway.GatewayServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * curl → gateway → a real third-party proxy → origin, for every front-end protocol of the gateway (absolute-form
 * HTTP, CONNECT, SOCKS5 with names, SOCKS4a) and every kind of upstream (squid, tinyproxy with Basic auth,
 * microsocks with and without auth, dante over SOCKS5, SOCKS4 and SOCKS4a). Each case downloads the 1 MiB body
 * and compares its SHA-256, checks what the gateway says about the upstream it used, and checks in the daemon's own
 * log that the connection really went through it; and uploads 1 MiB with {@code Expect: 100-continue}, which the
 * origin must receive intact. (tinyproxy 1.11 never passes a {@code 100 Continue} on, also without the gateway: curl
 * then sends the body after its {@code --expect100-timeout}, 1 s here.)
 */
class RealUpstreamsMatrixIT {

    /** How a client talks to the gateway. */
    enum Client {
        HTTP("-x", "http://127.0.0.1:%d"),
        CONNECT("-p", "-x", "http://127.0.0.1:%d"),
        SOCKS5("--socks5-hostname", "127.0.0.1:%d"),
        SOCKS4A("--socks4a", "127.0.0.1:%d");

        private final String[] args;

        Client(String... args) {
            this.args = args;
        }

        List<String> args(int gatewayPort) {
            return Arrays.stream(args).map(a -> a.contains("%d") ? String.format(a, gatewayPort) : a).toList();
        }
    }

    /** One gateway with one real upstream. {@code via}: what the daemon writes into a Via header, if it does. */
    private record Route(GatewayServer gateway, ProxyProcess daemon, String upstreamName, String via) {
    }

    private static final List<String> UPSTREAMS = List.of("squid", "tinyproxy-basic-auth", "microsocks-socks5h",
            "microsocks-auth-socks5h", "dante-socks5", "dante-socks4", "dante-socks4a");

    private static InteropFixture fx;
    private static final Map<String, Route> ROUTES = new LinkedHashMap<>();

    @BeforeAll
    static void startProxies() {
        fx = InteropFixture.start();
        Curl.requireInstalled();
        RealProxies proxies = fx.proxies();
        ProxyProcess squid = proxies.squid("rg-matrix-squid");
        ProxyProcess tinyproxy = proxies.tinyproxy("auth", "tpuser", "tp-secret");
        ProxyProcess microsocks = proxies.microsocks("open", null, null);
        ProxyProcess microsocksAuth = proxies.microsocks("auth", "msuser", "ms-secret");
        ProxyProcess dante = proxies.dante("open");

        route("squid", squid, squid.url("http", null), "rg-matrix-squid");
        route("tinyproxy-basic-auth", tinyproxy, tinyproxy.url("http", "tpuser:tp-secret"), "tinyproxy");
        route("microsocks-socks5h", microsocks, microsocks.url("socks5h", null), null);
        route("microsocks-auth-socks5h", microsocksAuth, microsocksAuth.url("socks5h", "msuser:ms-secret"), null);
        route("dante-socks5", dante, dante.url("socks5", null), null);
        route("dante-socks4", dante, dante.url("socks4", null), null);
        route("dante-socks4a", dante, dante.url("socks4a", null), null);
    }

    private static void route(String label, ProxyProcess daemon, String url, String via) {
        String name = label.replace('-', '_');
        GatewayServer gateway = fx.gateway(List.of(InteropFixture.named(url, name)));
        ROUTES.put(label, new Route(gateway, daemon, name, via));
    }

    @AfterAll
    static void stop() {
        ROUTES.clear();
        if (fx != null) {
            fx.close();
        }
    }

    static Stream<Arguments> cases() {
        return UPSTREAMS.stream().flatMap(u -> Arrays.stream(Client.values()).map(c -> Arguments.of(u, c)));
    }

    @ParameterizedTest(name = "{1} client, {0} upstream: 1 MiB upload intact")
    @MethodSource("cases")
    void uploadsOneMebibyteThroughARealUpstream(String upstream, Client client) throws IOException {
        Route route = ROUTES.get(upstream);
        Path file = fx.clientDir().resolve("upload.bin");
        if (!Files.exists(file)) {
            Files.write(file, OriginServer.BIG);
        }
        List<String> args = new ArrayList<>(client.args(route.gateway().port()));
        args.addAll(List.of("--data-binary", "@" + file, "-H", "Content-Type: application/octet-stream",
                "-H", "Expect: 100-continue", "--expect100-timeout", "1"));

        Curl.Result result = Curl.fetch(fx.clientDir(), args, fx.origin().url("/upload"));

        assertThat(result.exitCode()).as(result::describe).isZero();
        assertThat(result.last().status()).as(result::describe).isEqualTo(200);
        assertThat(new String(result.body(), StandardCharsets.UTF_8)).as(result::describe)
                .isEqualTo(OriginServer.BIG_SIZE + " " + OriginServer.BIG_SHA256 + "\n");
    }

    @ParameterizedTest(name = "{1} client, {0} upstream: 1 MiB intact")
    @MethodSource("cases")
    void downloadsOneMebibyteThroughARealUpstream(String upstream, Client client) {
        Route route = ROUTES.get(upstream);
        int originPort = fx.origin().port();
        long connectionsBefore = route.daemon().timesConnectedTo(originPort);

        Curl.Result result = Curl.fetch(fx.clientDir(), client.args(route.gateway().port()), fx.origin().url("/big"));

        assertThat(result.exitCode()).as(result::describe).isZero();
        Curl.Head response = result.last();
        assertThat(response.status()).as(result::describe).isEqualTo(200);
        assertThat(response.header("X-Origin")).as(result::describe).isEqualTo("rotagate-interop");
        assertThat(result.body()).as(result::describe).hasSize(OriginServer.BIG_SIZE);
        assertThat(OriginServer.sha256(result.body())).as(result::describe).isEqualTo(OriginServer.BIG_SHA256);
        switch (client) {
            case HTTP -> {
                assertThat(response.header("X-Rotagate-Upstream")).as(result::describe).isEqualTo(route.upstreamName());
                if (route.via() != null) {
                    assertThat(response.headers("Via")).as(result::describe).anyMatch(v -> v.contains(route.via()));
                }
            }
            case CONNECT -> {
                Curl.Head connect = result.first();
                assertThat(connect.status()).as(result::describe).isEqualTo(200);
                assertThat(connect.header("X-Rotagate-Upstream")).as(result::describe).isEqualTo(route.upstreamName());
                // a tunnel: the upstream cannot touch the origin's response
                assertThat(response.headers("Via")).as(result::describe).isEmpty();
            }
            case SOCKS5, SOCKS4A -> assertThat(result.heads()).as(result::describe).hasSize(1);
        }
        await("a new connection to the origin in the log of " + route.daemon())
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(route.daemon().timesConnectedTo(originPort))
                        .as(() -> route.daemon().logTail())
                        .isGreaterThan(connectionsBefore));
    }
}
