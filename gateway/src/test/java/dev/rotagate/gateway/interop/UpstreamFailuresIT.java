package dev.rotagate.gateway.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.gateway.GatewayServer;
import dev.rotagate.gateway.interop.RealUpstreamsMatrixIT.Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a client sees when the way through fails: a dead upstream (nobody listens on its port), and real daemons
 * that refuse the gateway's credentials or cannot reach the target. Every failure must come back fast as a
 * gateway-made answer: HTTP 502 with {@code X-Rotagate-Error} and a one-line body, or the matching SOCKS5 reply.
 */
class UpstreamFailuresIT {

    /** Far above what a refused connect on loopback takes: a failure must not wait for any timeout. */
    private static final Duration FAST = Duration.ofMillis(1500);

    private static InteropFixture fx;
    private static GatewayServer deadHttp;
    private static GatewayServer deadSocks;
    private static GatewayServer microsocks;
    private static GatewayServer microsocksWrongPassword;
    private static GatewayServer tinyproxyWrongPassword;
    private static GatewayServer danteSocks4a;
    private static GatewayServer squid;
    private static int closedPort;

    @BeforeAll
    static void start() {
        fx = InteropFixture.start();
        Curl.requireInstalled();
        deadHttp = fx.gateway(List.of(InteropFixture.named("http://127.0.0.1:" + RealProxies.freePort(), "dead_http")));
        deadSocks = fx.gateway(List.of(InteropFixture.named("socks5h://127.0.0.1:" + RealProxies.freePort(), "dead_socks")));
        closedPort = RealProxies.freePort();

        RealProxies proxies = fx.proxies();
        ProxyProcess ms = proxies.microsocks("open", null, null);
        ProxyProcess msAuth = proxies.microsocks("auth", "msuser", "ms-secret");
        ProxyProcess tiny = proxies.tinyproxy("auth", "tpuser", "tp-secret");
        ProxyProcess dante = proxies.dante("open");
        ProxyProcess sq = proxies.squid("rg-failures-squid");
        microsocks = fx.gateway(List.of(InteropFixture.named(ms.url("socks5h", null), "ms")));
        microsocksWrongPassword = fx.gateway(List.of(InteropFixture.named(msAuth.url("socks5h", "msuser:wrong"), "ms_auth")));
        tinyproxyWrongPassword = fx.gateway(List.of(InteropFixture.named(tiny.url("http", "tpuser:wrong"), "tiny")));
        danteSocks4a = fx.gateway(List.of(InteropFixture.named(dante.url("socks4a", null), "dante4a")));
        squid = fx.gateway(List.of(InteropFixture.named(sq.url("http", null), "squid")));
        // untimed: the first failure in a fresh JVM also loads and compiles the failure path (up to ~1 s on 2 busy cores)
        // (through a throw-away gateway, so that the tested upstreams' fault counts stay as they are)
        GatewayServer warmUp = fx.gateway(List.of(InteropFixture.named("http://127.0.0.1:" + RealProxies.freePort(), "warm_up")));
        for (Client c : Client.values()) {
            Curl.fetch(fx.clientDir(), c.args(warmUp.port()), fx.origin().url("/small"));
        }
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @ParameterizedTest(name = "{0} client, dead http:// upstream: fast gateway error")
    @EnumSource(value = Client.class, names = {"HTTP", "CONNECT", "SOCKS5"})
    void deadHttpUpstream(Client client) {
        assertFastGatewayError(deadHttp, client, fx.origin().url("/small"), 502, "upstream-refused");
    }

    @ParameterizedTest(name = "{0} client, dead socks5h:// upstream: fast gateway error")
    @EnumSource(value = Client.class, names = {"HTTP", "CONNECT", "SOCKS5"})
    void deadSocksUpstream(Client client) {
        assertFastGatewayError(deadSocks, client, fx.origin().url("/small"), 502, "upstream-refused");
    }

    static Stream<Arguments> realFailures() {
        return Stream.of(
                Arguments.of("microsocks, target port closed", "microsocks", Client.HTTP, "closed", "target-refused"),
                Arguments.of("microsocks, target port closed", "microsocks", Client.CONNECT, "closed", "target-refused"),
                Arguments.of("microsocks, wrong upstream password", "microsocksWrongPassword", Client.HTTP, "ok", "upstream-auth"),
                Arguments.of("tinyproxy, wrong upstream password", "tinyproxyWrongPassword", Client.CONNECT, "ok", "upstream-auth"),
                Arguments.of("dante socks4a, name target (no 4a in dante)", "danteSocks4a", Client.HTTP, "name", "target-unreachable"),
                Arguments.of("squid, target port closed", "squid", Client.CONNECT, "closed", "target-unreachable"));
    }

    /** The part of the contract the gateway keeps today: fast, 502, an error kind, a one-line body. */
    @ParameterizedTest(name = "{0}, {2} client: fast gateway-made 502")
    @MethodSource("realFailures")
    void realUpstreamFailureIsAFastGatewayError(String label, String gateway, Client client, String target, String kind) {
        assertFastGatewayError(gateway(gateway), client, url(target), 502, null);
    }

    static Stream<Arguments> realFailuresWithKinds() {
        return Stream.concat(realFailures(), Stream.of(
                Arguments.of("tinyproxy, wrong upstream password", "tinyproxyWrongPassword", Client.HTTP, "ok", "upstream-auth")));
    }

    /** The error kind says whose fault it was (DESIGN §6: target faults must not count against the upstream). */
    @ParameterizedTest(name = "{0}, {2} client: 502 {4}")
    @MethodSource("realFailuresWithKinds")
    void realUpstreamFailureNamesItsKind(String label, String gateway, Client client, String target, String kind) {
        assertFastGatewayError(gateway(gateway), client, url(target), 502, kind);
    }

    private static GatewayServer gateway(String name) {
        return switch (name) {
            case "microsocks" -> microsocks;
            case "microsocksWrongPassword" -> microsocksWrongPassword;
            case "tinyproxyWrongPassword" -> tinyproxyWrongPassword;
            case "danteSocks4a" -> danteSocks4a;
            case "squid" -> squid;
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static String url(String target) {
        return switch (target) {
            case "closed" -> "http://127.0.0.1:" + closedPort + "/small";
            case "name" -> "http://localhost:" + fx.origin().port() + "/small";
            default -> fx.origin().url("/small");
        };
    }

    /** @param kind the expected {@code X-Rotagate-Error}, or null for any */
    private static void assertFastGatewayError(GatewayServer gw, Client client, String url, int status, String kind) {
        Curl.Result result = Curl.fetch(fx.clientDir(), client.args(gw.port()), url);

        assertThat(result.run().took()).as(result::describe).isLessThan(FAST);
        if (client == Client.SOCKS5) {
            // curl: "Can't complete SOCKS5 connection to ... (N)" with N the reply code; 97 = proxy handshake error
            assertThat(result.exitCode()).as(result::describe).isEqualTo(97);
            assertThat(result.heads()).as(result::describe).isEmpty();
            return;
        }
        if (client == Client.CONNECT) {
            assertThat(result.exitCode()).as(result::describe).isEqualTo(56); // "CONNECT tunnel failed"
        } else {
            assertThat(result.exitCode()).as(result::describe).isZero();
        }
        Curl.Head head = result.first();
        assertThat(head.status()).as(result::describe).isEqualTo(status);
        if (kind == null) {
            assertThat(head.header("X-Rotagate-Error")).as(result::describe).isNotBlank();
        } else {
            assertThat(head.header("X-Rotagate-Error")).as(result::describe).isEqualTo(kind);
        }
        if (client == Client.HTTP) {
            String body = new String(result.body(), StandardCharsets.UTF_8);
            assertThat(body).as(result::describe).startsWith("rotagate: ").endsWith("\n");
            assertThat(body.strip()).as(result::describe).doesNotContain("\n");
        }
    }
}
