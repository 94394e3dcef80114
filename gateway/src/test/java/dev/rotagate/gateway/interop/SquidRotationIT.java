package dev.rotagate.gateway.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.gateway.GatewayServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rotation over a pool of three real squids. Plain HTTP rotates per request, also on one keep-alive client
 * connection; CONNECT rotates per tunnel. Each squid has its own {@code visible_hostname}, so its {@code Via}
 * header proves which one really carried a response.
 */
class SquidRotationIT {

    private static final List<String> NAMES = List.of("sq1", "sq2", "sq3");
    private static final Pattern VIA = Pattern.compile("rg-rotation-(sq\\d)");

    private static InteropFixture fx;
    private static GatewayServer gateway;

    @BeforeAll
    static void start() {
        fx = InteropFixture.start();
        Curl.requireInstalled();
        List<String> upstreams = new ArrayList<>();
        for (String name : NAMES) {
            ProxyProcess squid = fx.proxies().squid("rg-rotation-" + name);
            upstreams.add(InteropFixture.named(squid.url("http", null), name));
        }
        gateway = fx.gateway(upstreams);
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void keepAliveClientConnectionRotatesPerRequest() {
        String url = fx.origin().url("/big");

        Curl.Result result = Curl.fetchAll(fx.clientDir(),
                List.of("-v", "-x", "http://127.0.0.1:" + gateway.port()), List.of(url, url, url));

        assertThat(result.exitCode()).as(result::describe).isZero();
        // one TCP connection to the gateway, re-used for the second and third URL
        assertThat(Curl.count(result.stderr(), "Connected to 127.0.0.1")).as(result::describe).isEqualTo(1);
        assertThat(Curl.count(result.stderr(), "Re-using existing connection")).as(result::describe).isEqualTo(2);
        assertThat(result.heads()).as(result::describe).hasSize(3);
        Set<String> upstreams = new HashSet<>();
        for (Curl.Head head : result.heads()) {
            assertThat(head.status()).as(result::describe).isEqualTo(200);
            String upstream = head.header("X-Rotagate-Upstream");
            assertThat(upstream).as(result::describe).isIn(NAMES);
            // the squid the gateway names is the squid that answered
            assertThat(viaSquid(head)).as(result::describe).isEqualTo(upstream);
            upstreams.add(upstream);
        }
        assertThat(upstreams).as(result::describe).containsExactlyInAnyOrderElementsOf(NAMES);
        for (byte[] body : result.bodies()) {
            assertThat(OriginServer.sha256(body)).as(result::describe).isEqualTo(OriginServer.BIG_SHA256);
        }
    }

    @Test
    void connectTunnelsRotatePerTunnel() {
        Set<String> upstreams = new HashSet<>();
        for (int i = 0; i < NAMES.size(); i++) {
            Curl.Result result = Curl.fetch(fx.clientDir(),
                    List.of("-p", "-x", "http://127.0.0.1:" + gateway.port()), fx.origin().url("/small"));

            assertThat(result.exitCode()).as(result::describe).isZero();
            assertThat(result.first().status()).as(result::describe).isEqualTo(200);
            assertThat(result.last().status()).as(result::describe).isEqualTo(200);
            assertThat(result.body()).as(result::describe).asString().isEqualTo(OriginServer.SMALL_TEXT);
            upstreams.add(result.first().header("X-Rotagate-Upstream"));
        }
        assertThat(upstreams).containsExactlyInAnyOrderElementsOf(NAMES);
    }

    private static String viaSquid(Curl.Head head) {
        for (String via : head.headers("Via")) {
            Matcher m = VIA.matcher(via);
            if (m.find()) {
                return m.group(1);
            }
        }
        return null;
    }
}
