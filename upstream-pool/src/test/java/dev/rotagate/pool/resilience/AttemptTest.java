package dev.rotagate.pool.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.common.FailureKind;
import dev.rotagate.common.UpstreamUrl;
import dev.rotagate.config.BreakerConfig;
import dev.rotagate.config.UpstreamConfig;
import dev.rotagate.pool.Upstream;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AttemptTest {

    private final AtomicLong nanos = new AtomicLong(1);
    private final BreakerConfig config = new BreakerConfig(50, 10, 10, 100, Duration.ofSeconds(30),
            Duration.ofSeconds(30), Duration.ofMinutes(5), 50, BreakerConfig.Panic.FAIL_FAST);
    private final Upstream upstream = new Upstream(new UpstreamConfig("u", UpstreamUrl.parse("http://10.0.0.1:1"), 1, List.of()),
            0, UpstreamHealth.create("u", config, Duration.ofSeconds(30), nanos::get, UpstreamState.HEALTHY));
    private final UpstreamStates states = new UpstreamStates("p", config, nanos::get, () -> 0L);
    private final FaultJudge judge = new FaultJudge(Duration.ofMinutes(1), nanos::get);

    {
        states.setMembers(List.of(upstream));
    }

    private Attempt begin() {
        assertThat(upstream.health().breaker().tryAcquirePermission()).isTrue();
        assertThat(upstream.tryStart()).isTrue();
        return new Attempt(upstream, states, judge, true);
    }

    @Test
    void reportsExactlyOnceAndOnlyProxyFaultsCount() {
        Attempt a = begin();
        a.failed(FailureKind.UPSTREAM_REFUSED, null);
        a.succeeded();
        a.finish(0, 0);
        Attempt b = begin();
        b.failed(FailureKind.TARGET_REFUSED, null); // the upstream worked: a success for it
        b.finish(0, 0);

        var metrics = upstream.health().breaker().getMetrics();
        assertThat(metrics.getNumberOfFailedCalls()).isEqualTo(1);
        assertThat(metrics.getNumberOfSuccessfulCalls()).isEqualTo(1);
        assertThat(upstream.inFlight()).isZero();
        assertThat(upstream.failures()).isEqualTo(1);
    }

    @Test
    void theBreakerOpensAtTheFailureRateAndHalfOpensAfterItsWait() {
        for (int i = 0; i < 10; i++) {
            Attempt a = begin();
            if (i % 2 == 0) {
                a.failed(FailureKind.UPSTREAM_ERROR, null);
            } else {
                a.succeeded();
            }
            a.finish(0, 0);
        }

        CircuitBreaker breaker = upstream.health().breaker();
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquirePermission()).isFalse();
        nanos.addAndGet(Duration.ofSeconds(31).toNanos());
        assertThat(breaker.tryAcquirePermission()).as("lazily half-open after open-for").isTrue();
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        breaker.releasePermission();
    }

    @Test
    void anUnusedPermitGoesBackSoHalfOpenCannotWedge() {
        CircuitBreaker breaker = upstream.health().breaker();
        breaker.transitionToOpenState();
        nanos.addAndGet(Duration.ofSeconds(31).toNanos());
        for (int round = 0; round < 5; round++) { // far more rounds than the 3 trial permits
            assertThat(breaker.tryAcquirePermission()).isTrue();
            assertThat(upstream.tryStart()).isTrue();
            new Attempt(upstream, states, judge, true).finish(0, 0); // never reported: cancelled
        }

        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    }
}
