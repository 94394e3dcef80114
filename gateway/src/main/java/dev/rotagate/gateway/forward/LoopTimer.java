package dev.rotagate.gateway.forward;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * One deadline on a connection's event loop: arming it again replaces the previous one, and a disarmed one never
 * runs. Netty's scheduler, not Vert.x timers: no context switch, and tests on in-memory channels can move its clock.
 *
 * <p>Arming and disarming are cheap, because a keep-alive connection does both for every request: the deadline is a
 * field, and one wake-up is scheduled only when none is due before it. A wake-up that finds the deadline moved on
 * schedules itself again (Netty's {@code IdleStateHandler} works the same way); one that finds it disarmed does
 * nothing. So a connection has at most one task in the loop's scheduler, and a busy one rarely touches it.
 * {@link #stop()} removes that task, for a connection that is gone.
 */
public final class LoopTimer {

    private final EventLoop loop;
    private final Ticker ticker;
    private final Runnable wakeUpTask = this::wakeUp;
    /** Null: disarmed. */
    private Runnable task;
    private long deadlineNanos;
    private ScheduledFuture<?> wakeUp;
    private long wakeUpNanos;

    public LoopTimer(EventLoop loop) {
        this.loop = loop;
        this.ticker = loop.ticker();
    }

    public void arm(long millis, Runnable task) {
        this.task = task;
        deadlineNanos = ticker.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        if (wakeUp == null || wakeUpNanos - deadlineNanos > 0) {
            stopWakeUp();
            scheduleWakeUp();
        }
    }

    /** The deadline no longer applies; arming costs nothing more than before. */
    public void cancel() {
        task = null;
    }

    /** Disarms and takes the wake-up out of the scheduler: for a connection that closed. */
    public void stop() {
        task = null;
        stopWakeUp();
    }

    private void scheduleWakeUp() {
        wakeUpNanos = deadlineNanos;
        wakeUp = loop.schedule(wakeUpTask, Math.max(0, deadlineNanos - ticker.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void stopWakeUp() {
        if (wakeUp != null) {
            wakeUp.cancel(false);
            wakeUp = null;
        }
    }

    private void wakeUp() {
        wakeUp = null;
        Runnable due = task;
        if (due == null) {
            return;
        }
        if (deadlineNanos - ticker.nanoTime() > 0) {
            scheduleWakeUp(); // re-armed since this wake-up was scheduled
            return;
        }
        task = null;
        due.run();
    }
}
