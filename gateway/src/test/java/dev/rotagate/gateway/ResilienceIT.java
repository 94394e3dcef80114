package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.common.FailureKind;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.resilience.UpstreamState;
import dev.rotagate.pool.testing.FakeUpstream;
import dev.rotagate.pool.testing.FakeUpstream.Mode;
import dev.rotagate.pool.testing.RawHttpClient;
import dev.rotagate.pool.testing.RawHttpClient.Response;
import dev.rotagate.pool.testing.TestOrigin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Dead and misbehaving upstreams never reach the client: retries, ejection, panic, bans, timeouts. */
class ResilienceIT extends WithOrigin {

    private static TestGateway gateway(String extra, FakeUpstream... upstreams) throws Exception {
        StringBuilder yaml = new StringBuilder("listen: 127.0.0.1:0\n"
                + "timeouts: { connect: 1s, handshake: 1s, response: 1s, idle: 30s }\n" + extra
                + "pools:\n  p:\n    upstreams:\n");
        for (FakeUpstream f : upstreams) {
            yaml.append("      - { url: \"").append(f.url()).append("\", name: ").append(f.name()).append(" }\n");
        }
        return TestGateway.start(vertx, TestGateway.allowingLoopback(yaml.toString(), origin.port()));
    }

    private String get(String host, String path) {
        return "GET http://" + host + ":" + origin.port() + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
    }

    private static Upstream upstream(TestGateway gw, String name) {
        return gw.server().pools().get(0).upstream(name);
    }

    /** Every way an upstream can fail before answering: the client still gets its answer from the live one. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Mode.class, names = {"REFUSE", "HANG", "REJECT_407", "REJECT_502", "GARBAGE", "TRICKLE"})
    void aPoolOfOneBrokenAndOneLiveUpstreamServesEveryRequest(Mode mode) throws Exception {
        try (FakeUpstream bad = FakeUpstream.start(vertx, mode, "bad");
             FakeUpstream good = FakeUpstream.start(vertx, Mode.RELAY, "good");
             TestGateway gw = gateway("", bad, good)) {
            for (int i = 0; i < 8; i++) {
                try (RawHttpClient client = new RawHttpClient(gw.port())) {
                    Response tunnel = client.exchange("CONNECT 127.0.0.1:" + origin.port() + " HTTP/1.1\r\n\r\n");
                    assertThat(tunnel.status()).as("CONNECT %d", i).isEqualTo(200);
                    assertThat(tunnel.header("X-Rotagate-Upstream")).isEqualTo("good");
                }
                if (mode == Mode.REJECT_502) {
                    continue; // a proxy's bare 502 to a plain request looks like the origin's own: it is passed on
                }
                try (RawHttpClient client = new RawHttpClient(gw.port())) {
                    Response plain = client.exchange(get("127.0.0.1", "/bytes/100"));
                    assertThat(plain.status()).as("GET %d: %s %s", i, plain.headers(), plain.bodyText()).isEqualTo(200);
                    assertThat(plain.header("X-Rotagate-Upstream")).isEqualTo("good");
                }
            }

            Upstream broken = upstream(gw, "bad");
            assertThat(broken.health().state()).as("ejected after at most 5 proxy faults").isEqualTo(UpstreamState.EJECTED);
            assertThat(broken.failures()).isBetween(5L, 6L);
            assertThat(upstream(gw, "good").health().state()).isEqualTo(UpstreamState.HEALTHY);
        }
    }

    @Test
    void withEveryUpstreamDeadTheClientGetsAnErrorInUnderASecondThen503() throws Exception {
        try (FakeUpstream a = FakeUpstream.start(vertx, Mode.REFUSE, "a");
             FakeUpstream b = FakeUpstream.start(vertx, Mode.REFUSE, "b");
             TestGateway gw = gateway("breaker: { consecutive-failures: 2, max-ejected-percent: 100 }\n", a, b)) {
            for (int i = 0; i < 6; i++) {
                try (RawHttpClient client = new RawHttpClient(gw.port())) {
                    long start = System.nanoTime();
                    Response r = client.exchange("CONNECT 127.0.0.1:" + origin.port() + " HTTP/1.1\r\n\r\n");
                    long ms = (System.nanoTime() - start) / 1_000_000;

                    if (i > 0) { // the first failure in a fresh JVM also loads and compiles the failure path
                        assertThat(ms).isLessThan(1000);
                    }
                    assertThat(r.status()).isIn(502, 503);
                    if (i >= 3) {
                        assertThat(r.status()).as("both ejected: fail fast").isEqualTo(503);
                        assertThat(r.header("Retry-After")).isNotNull();
                        assertThat(r.bodyText()).contains("2 out of rotation");
                    }
                }
            }
        }
    }

    @Test
    void panicUseAllIgnoresHealthWhenNothingIsLeft() throws Exception {
        try (FakeUpstream good = FakeUpstream.start(vertx, Mode.RELAY, "good");
             TestGateway gw = gateway("breaker: { panic: use-all }\n", good)) {
            Upstream u = upstream(gw, "good");
            u.health().breaker();
            gw.server().pools().get(0).states().eject(u, "test");

            try (RawHttpClient client = new RawHttpClient(gw.port())) {
                assertThat(client.exchange(get("127.0.0.1", "/bytes/10")).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void aBanKeepsAnUpstreamAwayFromThatDomainOnly() throws Exception {
        try (FakeUpstream up1 = FakeUpstream.start(vertx, Mode.RELAY, "up1");
             FakeUpstream up2 = FakeUpstream.start(vertx, Mode.RELAY, "up2");
             TestGateway gw = gateway("bans: { status: [429], cooldown: 60s }\n", up1, up2);
             RawHttpClient client = new RawHttpClient(gw.port())) {
            Response first = client.exchange(get("127.0.0.1", "/status/429"));
            String banned = first.header("X-Rotagate-Upstream");

            for (int i = 0; i < 6; i++) {
                assertThat(client.exchange(get("127.0.0.1", "/bytes/1")).header("X-Rotagate-Upstream"))
                        .as("the banned pair is skipped").isNotEqualTo(banned);
            }
            FakeUpstream bannedFake = banned.equals("up1") ? up1 : up2;
            int before = bannedFake.seen().size();
            for (int i = 0; i < 4; i++) {
                client.exchange(get("localhost", "/bytes/1"));
            }
            assertThat(first.status()).isEqualTo(429);
            assertThat(bannedFake.seen().size()).as("other domains still use it").isGreaterThan(before);
            assertThat(gw.server().pools().get(0).bans().isBanned(upstream(gw, banned), "127.0.0.1")).isTrue();
        }
    }

    @Test
    void aBlockPageServedWith200BansByItsBody() throws Exception {
        try (FakeUpstream up1 = FakeUpstream.start(vertx, Mode.RELAY, "up1");
             TestGateway gw = gateway("bans: { body-patterns: [\"hello from ORIGIN\"] }\n", up1);
             RawHttpClient client = new RawHttpClient(gw.port())) {
            Response page = client.exchange(get("127.0.0.1", "/"));

            assertThat(page.status()).isEqualTo(200);
            assertThat(page.bodyText()).isEqualTo("hello from origin\n");
            assertThat(gw.server().pools().get(0).bans().isBanned(upstream(gw, "up1"), "127.0.0.1")).isTrue();
            assertThat(client.exchange(get("127.0.0.1", "/bytes/1")).status()).as("the only upstream is banned there").isEqualTo(503);
        }
    }

    @Test
    void withBanRetryTheClientGetsTheAnswerFromAnotherUpstream() throws Exception {
        try (FakeUpstream up1 = FakeUpstream.start(vertx, Mode.RELAY, "up1");
             FakeUpstream up2 = FakeUpstream.start(vertx, Mode.RELAY, "up2");
             TestGateway gw = gateway("bans: { status: [204], retry: true }\n", up1, up2);
             RawHttpClient client = new RawHttpClient(gw.port())) {
            // 204 stands in for a block page here: the origin answers it through every upstream
            Response r = client.exchange(get("127.0.0.1", "/status/204"));

            assertThat(r.status()).isEqualTo(204);
            assertThat(up1.seen().size() + up2.seen().size()).as("tried once more elsewhere").isEqualTo(2);
        }
    }

    @Test
    void targetFaultsDoNotCountAgainstTheUpstream() throws Exception {
        try (FakeUpstream up = FakeUpstream.start(vertx, Mode.RELAY, "up");
             TestGateway gw = gateway("", up)) {
            for (int i = 0; i < 8; i++) {
                try (RawHttpClient client = new RawHttpClient(gw.port())) {
                    Response r = client.exchange("CONNECT 127.0.0.1:1 HTTP/1.1\r\n\r\n"); // nothing listens on port 1

                    assertThat(r.status()).isEqualTo(502);
                }
            }
            Upstream u = upstream(gw, "up");
            assertThat(u.health().state()).isEqualTo(UpstreamState.HEALTHY);
            assertThat(u.health().failures(FailureKind.UPSTREAM_ERROR)).isZero();
            assertThat(u.health().breaker().getMetrics().getNumberOfFailedCalls()).isZero();
        }
    }
}
