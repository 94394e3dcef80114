package dev.rotagate.pool.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.common.HostAndPort;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.Upstreams;
import dev.rotagate.pool.resilience.FaultJudge.Verdict;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FaultJudgeTest {

    private final AtomicLong nanos = new AtomicLong();
    private final FaultJudge judge = new FaultJudge(Duration.ofMinutes(1), nanos::get);
    private final Upstream a = Upstreams.of("a", 1, 0);
    private final Upstream b = Upstreams.of("b", 1, 0);
    private final Upstream c = Upstreams.of("c", 1, 0);

    private static HostAndPort t(String host) {
        return HostAndPort.of(host, 80);
    }

    @Test
    void aTargetThatFailsOnTwoUpstreamsIsTheOneAtFault() {
        assertThat(judge.judge(a, t("slow.example"))).isEqualTo(Verdict.UNKNOWN);
        assertThat(judge.judge(a, t("slow.example"))).as("the same upstream again proves nothing").isEqualTo(Verdict.UNKNOWN);
        assertThat(judge.judge(b, t("slow.example"))).isEqualTo(Verdict.TARGET);
        assertThat(judge.judge(c, t("slow.example"))).isEqualTo(Verdict.TARGET);

        nanos.addAndGet(Duration.ofMinutes(2).toNanos()); // out of the window: forgotten
        assertThat(judge.judge(c, t("slow.example"))).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void anUpstreamThatFailsForThreeDistinctTargetsInARowIsTheSuspect() {
        assertThat(judge.judge(a, t("one.example"))).isEqualTo(Verdict.UNKNOWN);
        assertThat(judge.judge(a, t("two.example"))).isEqualTo(Verdict.UNKNOWN);
        assertThat(judge.judge(a, t("two.example"))).isEqualTo(Verdict.UNKNOWN);
        assertThat(judge.judge(a, t("three.example"))).isEqualTo(Verdict.UPSTREAM);

        judge.succeeded(a); // it did its part once: the streak starts over
        assertThat(judge.judge(a, t("four.example"))).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void targetsConvictedMeanwhileDoNotCountTowardsTheStreak() {
        assertThat(judge.judge(a, t("one.example"))).isEqualTo(Verdict.UNKNOWN);
        assertThat(judge.judge(b, t("one.example"))).isEqualTo(Verdict.TARGET);
        assertThat(judge.judge(a, t("two.example"))).isEqualTo(Verdict.UNKNOWN);
        assertThat(judge.judge(a, t("three.example"))).as("one.example was the target's fault").isEqualTo(Verdict.UNKNOWN);
        assertThat(judge.convicted(t("one.example"))).isTrue();
        assertThat(judge.convicted(t("two.example"))).isFalse();
    }

    @Test
    void anUpstreamIsBlamedWhenTheTargetItFailedWorksThroughAnother() {
        assertThat(judge.judge(a, t("shop.example"))).isEqualTo(Verdict.UNKNOWN);
        judge.succeeded(b, t("shop.example")); // the retry through b worked
        assertThat(judge.judge(a, t("shop.example"))).as("a is the problem, not the shop").isEqualTo(Verdict.UPSTREAM);
        assertThat(judge.judge(b, t("shop.example"))).as("one failure on b: now two upstreams failed it")
                .isEqualTo(Verdict.TARGET);
    }
}
