package dev.rotagate.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The lazy deadline on an in-memory loop whose clock the test moves. */
class LoopTimerTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final LoopTimer timer = new LoopTimer(channel.eventLoop());
    private final AtomicInteger fired = new AtomicInteger();

    private void advance(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void firesOnceAtItsDeadline() {
        timer.arm(100, fired::incrementAndGet);
        advance(99);
        assertThat(fired).hasValue(0);
        advance(1);
        assertThat(fired).hasValue(1);
        advance(1000);
        assertThat(fired).hasValue(1);
    }

    @Test
    void reArmingMovesTheDeadlineWithoutASecondTask() {
        timer.arm(100, fired::incrementAndGet);
        advance(60);
        timer.cancel();
        timer.arm(100, fired::incrementAndGet); // due at 160: the wake-up at 100 finds it moved and sleeps on
        advance(40);
        assertThat(fired).hasValue(0);
        advance(59);
        assertThat(fired).hasValue(0);
        advance(1);
        assertThat(fired).hasValue(1);
    }

    @Test
    void anEarlierDeadlineIsMetOnTime() {
        timer.arm(1000, () -> fired.addAndGet(100));
        timer.arm(10, fired::incrementAndGet);
        advance(10);
        assertThat(fired).hasValue(1);
        advance(2000);
        assertThat(fired).hasValue(1);
    }

    @Test
    void aDisarmedOrStoppedTimerNeverRuns() {
        timer.arm(10, fired::incrementAndGet);
        timer.cancel();
        advance(20);
        timer.arm(10, fired::incrementAndGet);
        timer.stop();
        advance(20);
        assertThat(fired).hasValue(0);
    }

    @Test
    void theTaskMayArmItAgain() {
        timer.arm(10, () -> {
            fired.incrementAndGet();
            timer.arm(10, fired::incrementAndGet);
        });
        advance(10);
        advance(10);
        assertThat(fired).hasValue(2);
    }
}
