package dev.rotagate.pool.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.common.FailureKind;
import dev.rotagate.common.UpstreamUrl;
import dev.rotagate.config.BreakerConfig;
import dev.rotagate.config.UpstreamConfig;
import dev.rotagate.pool.Upstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UpstreamStatesTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final BreakerConfig config = new BreakerConfig(50, 20, 10, 5, Duration.ofSeconds(30),
            Duration.ofSeconds(30), Duration.ofMinutes(5), 50, BreakerConfig.Panic.FAIL_FAST);

    private List<Upstream> upstreams(int n) {
        List<Upstream> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new Upstream(new UpstreamConfig("u" + i, UpstreamUrl.parse("http://10.0.0." + (i + 1) + ":1"), 1, List.of()), 0,
                    UpstreamHealth.create("u" + i, config, Duration.ofSeconds(30), nanos::get, UpstreamState.HEALTHY)));
        }
        return list;
    }

    private UpstreamStates states(List<Upstream> members) {
        UpstreamStates s = new UpstreamStates("p", config, nanos::get, () -> 0L);
        s.setMembers(members);
        return s;
    }

    private void faults(UpstreamStates s, Upstream u, int n) {
        for (int i = 0; i < n; i++) {
            s.onProxyFault(u, FailureKind.UPSTREAM_REFUSED);
        }
    }

    @Test
    void fiveConsecutiveProxyFaultsEjectAndTimeReadmits() {
        List<Upstream> ups = upstreams(3);
        UpstreamStates s = states(ups);
        Upstream u = ups.get(0);

        faults(s, u, 4);
        assertThat(u.health().state()).isEqualTo(UpstreamState.HEALTHY);
        faults(s, u, 1);

        assertThat(u.health().state()).isEqualTo(UpstreamState.EJECTED);
        assertThat(u.health().reason()).startsWith("5 proxy faults in a row, last upstream-refused, ejected for");
        assertThat(s.isEligible(u)).isFalse();
        assertThat(s.eligibleCount()).isEqualTo(2);
        nanos.addAndGet(Duration.ofSeconds(34).toNanos()); // 30 s plus at most 10 % jitter
        assertThat(s.isEligible(u)).isTrue();
        assertThat(u.health().state()).isEqualTo(UpstreamState.HEALTHY);
        assertThat(u.health().consecutiveFailures()).isZero();
    }

    @Test
    void aSuccessBreaksTheRun() {
        List<Upstream> ups = upstreams(2);
        UpstreamStates s = states(ups);

        faults(s, ups.get(0), 4);
        s.onSuccess(ups.get(0));
        faults(s, ups.get(0), 4);

        assertThat(ups.get(0).health().state()).isEqualTo(UpstreamState.HEALTHY);
        assertThat(ups.get(0).health().failures(FailureKind.UPSTREAM_REFUSED)).isEqualTo(8);
    }

    @Test
    void ejectionTimeGrowsWithEachReEjectionAndDecaysWhileHealthy() {
        List<Upstream> ups = upstreams(2);
        UpstreamStates s = states(ups);
        Upstream u = ups.get(0);

        faults(s, u, 5);
        nanos.addAndGet(Duration.ofSeconds(34).toNanos());
        assertThat(s.isEligible(u)).isTrue();
        faults(s, u, 5); // at once again: twice as long
        nanos.addAndGet(Duration.ofSeconds(34).toNanos());
        assertThat(s.isEligible(u)).as("60 s ejection, 34 s passed").isFalse();
        nanos.addAndGet(Duration.ofSeconds(33).toNanos());
        assertThat(s.isEligible(u)).isTrue();
        assertThat(u.health().ejections()).isEqualTo(2);

        nanos.addAndGet(Duration.ofMinutes(10).toNanos()); // long healthy: the multiplier decays away
        faults(s, u, 5);
        assertThat(u.health().ejections()).isEqualTo(1);
    }

    @Test
    void neverMoreThanMaxEjectedPercentButAlwaysOne() {
        List<Upstream> four = upstreams(4);
        UpstreamStates s = states(four);

        four.forEach(u -> faults(s, u, 5));

        assertThat(four.stream().filter(u -> u.health().state() == UpstreamState.EJECTED)).hasSize(2);

        List<Upstream> one = upstreams(1);
        UpstreamStates single = states(one);
        faults(single, one.get(0), 5);
        assertThat(one.get(0).health().state()).as("one may always be ejected").isEqualTo(UpstreamState.EJECTED);
    }

    @Test
    void transitionsFollowTheTable() {
        List<Upstream> ups = upstreams(2);
        UpstreamStates s = states(ups);
        Upstream u = ups.get(0);

        assertThat(s.transition(u, UpstreamState.PROBING, "x")).as("HEALTHY → PROBING is not a transition").isFalse();
        assertThat(s.transition(u, UpstreamState.DISABLED, "operator")).isTrue();
        assertThat(s.isEligible(u)).isFalse();
        assertThat(s.eject(u, "faults")).as("a disabled upstream is not ejected").isFalse();
        assertThat(s.transition(u, UpstreamState.HEALTHY, "operator")).isTrue();
        assertThat(UpstreamState.EJECTED.canBecome(UpstreamState.PROBING)).isFalse();
    }
}
