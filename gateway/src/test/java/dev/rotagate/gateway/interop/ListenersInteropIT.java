package dev.rotagate.gateway.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.gateway.GatewayServer;
import dev.rotagate.pool.testing.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Listeners and source-address auth with real clients in front of three real squids. Headless Chromium, which cannot
 * authenticate to a SOCKS5 proxy at all, through a {@code session: port} listener: every page load on one port
 * leaves through the same squid, and two ports leave through different ones (each squid connects out from its own
 * loopback address, which the origin's {@code /peer} page shows). curl from an allowed address needs no credentials; from another it gets 407.
 */
class ListenersInteropIT {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final int PORTS = 10;
    static final int LOADS = 10;

    private static InteropFixture fx;
    private static final List<String> upstreams = new ArrayList<>();
    private static int base;

    @BeforeAll
    static void start() throws IOException {
        fx = InteropFixture.start();
        Interop.binary(CHROMIUM, "chromium");
        Curl.requireInstalled();
        for (int i = 1; i <= 3; i++) {
            ProxyProcess squid = fx.proxies().squid("rg-chromium-sq" + i, "127.0.0.1" + i);
            upstreams.add(InteropFixture.named(squid.url("http", null), "sq" + i));
        }
        base = FreePorts.consecutive(PORTS);
        GatewayServer gateway = fx.gateway("listen:\n  - 127.0.0.1:0\n"
                + "  - { address: 127.0.0.1, ports: " + base + "-" + (base + PORTS - 1) + ", session: port, name: sticky }\n"
                + "pools:\n  p:\n    upstreams:\n" + upstreams.stream().map(u -> "      - " + u + "\n").reduce("", String::concat)
                + InteropFixture.TIMEOUTS + "\n");
        assertThat(gateway.listenerPorts().get("sticky")).hasSize(PORTS);
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void eachPortKeepsOneExitAcrossPageLoadsAndTwoPortsGetDifferentExits() throws Exception {
        Map<Integer, String> exitOfPort = new LinkedHashMap<>();
        for (int port = base; port < base + PORTS; port++) {
            Curl.Result r = Curl.fetch(fx.clientDir(), List.of("--socks5", "127.0.0.1:" + port), fx.origin().url("/peer"));
            assertThat(r.exitCode()).as(r::describe).isZero();
            exitOfPort.put(port, new String(r.body(), StandardCharsets.UTF_8).trim());
        }
        int first = base;
        int second = exitOfPort.entrySet().stream().filter(e -> !e.getValue().equals(exitOfPort.get(first)))
                .map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new AssertionError("all " + PORTS + " ports leave through one squid: " + exitOfPort));

        for (int port : List.of(first, second)) {
            for (int load = 0; load < LOADS; load++) {
                assertThat(chromium(port)).as("page load %d on port %d", load, port).contains(exitOfPort.get(port));
            }
        }
        assertThat(exitOfPort.get(first)).startsWith("peer 127.0.0.1").isNotEqualTo(exitOfPort.get(second));
    }

    @Test
    void curlFromAnAllowedAddressNeedsNoCredentialsAndFromAnotherGets407() {
        GatewayServer gateway = fx.gateway(upstreams, "auth:\n  allow-ips: [ 127.0.0.2 ]\n"
                + "  users: [ { username: scraper, password: pw } ]");
        String proxy = "http://127.0.0.1:" + gateway.port();

        Curl.Result allowed = Curl.fetch(fx.clientDir(), List.of("--interface", "127.0.0.2", "-x", proxy),
                fx.origin().url("/small"));
        Curl.Result tunnel = Curl.fetch(fx.clientDir(), List.of("--interface", "127.0.0.2", "-p", "-x", proxy),
                fx.origin().url("/small"));
        Curl.Result other = Curl.fetch(fx.clientDir(), List.of("--interface", "127.0.0.1", "-x", proxy),
                fx.origin().url("/small"));
        Curl.Result withCredentials = Curl.fetch(fx.clientDir(), List.of("--interface", "127.0.0.1", "-x",
                "http://scraper:pw@127.0.0.1:" + gateway.port()), fx.origin().url("/small"));

        assertThat(allowed.first().status()).as(allowed::describe).isEqualTo(200);
        assertThat(allowed.body()).asString().isEqualTo(OriginServer.SMALL_TEXT);
        assertThat(tunnel.last().status()).as(tunnel::describe).isEqualTo(200);
        assertThat(other.first().status()).as(other::describe).isEqualTo(407);
        assertThat(other.first().header("X-Rotagate-Error")).isEqualTo("auth-required");
        assertThat(withCredentials.first().status()).as(withCredentials::describe).isEqualTo(200);
    }

    /** One headless page load through the SOCKS5 port, without credentials; the DOM it printed. */
    private static String chromium(int port) throws IOException {
        Path profile = Files.createTempDirectory(fx.clientDir(), "chromium-");
        ChildProcess.Result r = ChildProcess.run(fx.clientDir(), Duration.ofSeconds(60), List.of(CHROMIUM,
                "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-breakpad",
                "--user-data-dir=" + profile, "--proxy-server=socks5://127.0.0.1:" + port,
                "--proxy-bypass-list=<-loopback>", "--dump-dom", fx.origin().url("/peer")));
        assertThat(r.exitCode()).as(r::describe).isZero();
        return r.stdoutText();
    }
}
