package dev.rotagate.gateway.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotagate.gateway.GatewayServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * tinyproxy (with Basic auth, credentials in the upstream URL) closes its client connections after each response
 * without always saying so, while clients keep theirs to the gateway open: the gateway must never hand a request to
 * an upstream connection tinyproxy has already given up on. Many sequential requests on one client connection must
 * all succeed.
 */
class TinyproxyKeepAliveIT {

    private static final int REQUESTS = 30;

    private static InteropFixture fx;
    private static ProxyProcess tinyproxy;
    private static GatewayServer gateway;

    @BeforeAll
    static void start() {
        fx = InteropFixture.start();
        tinyproxy = fx.proxies().tinyproxy("keepalive", "tpuser", "tp-secret");
        gateway = fx.gateway(List.of(InteropFixture.named(tinyproxy.url("http", "tpuser:tp-secret"), "tiny")));
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void thirtySequentialRequestsOnOneRequestsSessionAllSucceed() {
        long before = tinyproxy.timesConnectedTo(fx.origin().port());

        PythonClients.Run run = PythonClients.requests(fx.clientDir(), "http://127.0.0.1:" + gateway.port(), REQUESTS,
                List.of(fx.origin().url("/small"), fx.origin().url("/big")));

        assertThat(run.process().exitCode()).as(run::describe).isZero();
        assertThat(run.responses()).as(run::describe).hasSize(REQUESTS);
        for (PythonClients.Response r : run.responses()) {
            assertThat(r.error()).as(run::describe).isNull();
            assertThat(r.status()).as(run::describe).isEqualTo(200);
            assertThat(r.upstream()).as(run::describe).isEqualTo("tiny");
            assertThat(r.header("via")).as(run::describe).contains("tinyproxy");
        }
        for (int i = 0; i < REQUESTS; i++) {
            PythonClients.Response r = run.responses().get(i);
            if (i % 2 == 0) {
                assertThat(r.text()).as(run::describe).isEqualTo(OriginServer.SMALL_TEXT);
            } else {
                assertThat(r.sha256()).as(run::describe).isEqualTo(OriginServer.BIG_SHA256);
            }
        }
        await("tinyproxy logged every request").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(tinyproxy.timesConnectedTo(fx.origin().port()) - before)
                        .as(() -> tinyproxy.logTail()).isGreaterThanOrEqualTo(REQUESTS));
    }

    @Test
    void curlReusesItsGatewayConnectionForTenRequestsThroughTinyproxy() {
        String url = fx.origin().url("/small");

        Curl.Result result = Curl.fetchAll(fx.clientDir(), List.of("-v", "-x", "http://127.0.0.1:" + gateway.port()),
                Collections.nCopies(10, url));

        assertThat(result.exitCode()).as(result::describe).isZero();
        // one client connection to the gateway for all ten, while tinyproxy closes its own after every response
        assertThat(Curl.count(result.stderr(), "Connected to 127.0.0.1")).as(result::describe).isEqualTo(1);
        assertThat(Curl.count(result.stderr(), "Re-using existing connection")).as(result::describe).isEqualTo(9);
        assertThat(result.heads()).as(result::describe).hasSize(10).allSatisfy(h -> {
            assertThat(h.status()).isEqualTo(200);
            assertThat(h.header("X-Rotagate-Upstream")).isEqualTo("tiny");
        });
        assertThat(result.bodies()).as(result::describe)
                .allSatisfy(b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo(OriginServer.SMALL_TEXT));
    }
}
