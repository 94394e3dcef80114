package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.common.FailureKind;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.UpstreamPool;
import dev.rotagate.pool.resilience.UpstreamState;
import dev.rotagate.pool.testing.FakeUpstream;
import dev.rotagate.pool.testing.RawHttpClient;
import dev.rotagate.pool.testing.ScriptedOrigin;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Only the upstream's own faults count against it: targets that never answer, close early or answer garbage leave
 * healthy upstreams healthy, while a really dead upstream is still ejected.
 */
class TargetFaultIT extends WithOrigin {

    static ScriptedOrigin tarpit;
    static ScriptedOrigin closesEarly;
    static ScriptedOrigin garbage;

    @BeforeAll
    static void startOrigins() throws Exception {
        tarpit = ScriptedOrigin.start(vertx, head -> new ScriptedOrigin.Answer(new byte[0], false));
        closesEarly = ScriptedOrigin.start(vertx, head -> new ScriptedOrigin.Answer(new byte[0], true));
        garbage = ScriptedOrigin.start(vertx, head -> ScriptedOrigin.Answer.of("SSH-2.0-OpenSSH_9.2\r\n\r\n", true));
    }

    @AfterAll
    static void stopOrigins() throws Exception {
        tarpit.close();
        closesEarly.close();
        garbage.close();
    }

    private static long proxyFaults(Upstream u) {
        long n = 0;
        for (FailureKind k : FailureKind.values()) {
            n += k.isProxyFault() ? u.health().failures(k) : 0;
        }
        return n;
    }

    /** {@code times} GETs of each origin, 50 at a time, each on a connection of its own; returns the statuses. */
    private static List<Integer> hit(int gatewayPort, int times, ScriptedOrigin... origins) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < times; i++) {
                for (ScriptedOrigin o : origins) {
                    answers.add(pool.submit(() -> {
                        try (RawHttpClient c = new RawHttpClient(gatewayPort)) {
                            return c.exchange("GET " + o.url("/x") + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status();
                        }
                    }));
                }
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : answers) {
                statuses.add(f.get(60, TimeUnit.SECONDS));
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void misbehavingTargetsLeaveThreeHealthyUpstreamsHealthyWhileADeadOneIsEjected() throws Exception {
        try (FakeUpstream a = FakeUpstream.start(vertx, FakeUpstream.Mode.RELAY, "a");
             FakeUpstream b = FakeUpstream.start(vertx, FakeUpstream.Mode.RELAY, "b");
             FakeUpstream c = FakeUpstream.start(vertx, FakeUpstream.Mode.RELAY, "c");
             FakeUpstream dead = FakeUpstream.start(vertx, FakeUpstream.Mode.REFUSE, "dead");
             TestGateway gw = TestGateway.start(vertx, "listen: 127.0.0.1:0\n"
                     + "timeouts: { connect: 1s, handshake: 1s, response: 1s }\n"
                     + "breaker: { consecutive-failures: 5 }\nretry: { attempts: 3, budget-percent: 100 }\n"
                     + "pools:\n  p:\n    upstreams:\n"
                     + TestGateway.list(a.url(), b.url(), c.url(), dead.url()))) {
            List<Integer> statuses = hit(gw.port(), 100, tarpit, closesEarly, garbage);

            assertThat(statuses).hasSize(300).allSatisfy(s -> assertThat(s).isBetween(500, 599));
            UpstreamPool pool = gw.server().pools().get(0);
            for (FakeUpstream healthy : List.of(a, b, c)) {
                Upstream u = pool.upstream("127.0.0.1:" + healthy.port());
                assertThat(u.health().state()).as(u.name()).isEqualTo(UpstreamState.HEALTHY);
                assertThat(u.health().breaker().getState()).as(u.name()).isEqualTo(CircuitBreaker.State.CLOSED);
                assertThat(proxyFaults(u)).as(u.name() + " proxy faults").isZero();
            }
            Upstream d = pool.upstream("127.0.0.1:" + dead.port());
            assertThat(d.health().state()).as("the dead one").isEqualTo(UpstreamState.EJECTED);
            assertThat(proxyFaults(d)).isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void onDirectTheTargetsMisbehaviourIsNeverTheUpstreamsFault() throws Exception {
        try (TestGateway gw = TestGateway.start(vertx, "listen: 127.0.0.1:0\ntimeouts: { response: 1s }\n"
                + "breaker: { consecutive-failures: 3 }\npools:\n  local:\n    upstreams: [ \"direct://\" ]\n")) {
            List<Integer> statuses = hit(gw.port(), 20, tarpit, closesEarly, garbage);

            assertThat(statuses).allSatisfy(s -> assertThat(s).isIn(502, 504));
            Upstream direct = gw.server().pools().get(0).upstream("direct");
            assertThat(direct.health().state()).isEqualTo(UpstreamState.HEALTHY);
            assertThat(proxyFaults(direct)).isZero();
            try (RawHttpClient client = new RawHttpClient(gw.port())) {
                assertThat(client.exchange("GET " + origin.url("/bytes/3") + " HTTP/1.1\r\nHost: x\r\n\r\n").status())
                        .as("still serving").isEqualTo(200);
            }
        }
    }

    @Test
    void anUpstreamThatNeverAnswersIsEjectedEvenWhenEveryoneScrapesOneSite() throws Exception {
        try (FakeUpstream a = FakeUpstream.start(vertx, FakeUpstream.Mode.RELAY, "a");
             FakeUpstream b = FakeUpstream.start(vertx, FakeUpstream.Mode.RELAY, "b");
             FakeUpstream silent = FakeUpstream.start(vertx, FakeUpstream.Mode.HANG, "silent");
             TestGateway gw = TestGateway.start(vertx, "listen: 127.0.0.1:0\n"
                     + "timeouts: { connect: 1s, handshake: 1s, response: 1s }\n"
                     + "breaker: { consecutive-failures: 3 }\nretry: { attempts: 3, budget-percent: 100 }\n"
                     + "pools:\n  p:\n    upstreams:\n" + TestGateway.list(a.url(), b.url(), silent.url()))) {
            Upstream s = gw.server().pools().get(0).upstream("127.0.0.1:" + silent.port());
            for (int i = 0; i < 30 && s.health().state() == UpstreamState.HEALTHY; i++) {
                try (RawHttpClient c = new RawHttpClient(gw.port())) {
                    assertThat(c.exchange("GET " + origin.url("/bytes/1") + " HTTP/1.1\r\nHost: x\r\n\r\n").status())
                            .as("the retry elsewhere answers").isEqualTo(200);
                }
            }
            assertThat(s.health().state()).as("the silent one, blamed because the site works elsewhere")
                    .isEqualTo(UpstreamState.EJECTED);
        }
    }
}
