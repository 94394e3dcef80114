package dev.rotagate.gateway.forward;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One deadline on a connection's event loop: arming it again replaces the previous one, and a cancelled one never
 * runs. Netty's scheduler, not Vert.x timers: no context switch, and tests on in-memory channels can move its clock.
 */
public final class LoopTimer {

    private final EventLoop loop;
    private ScheduledFuture<?> pending;

    public LoopTimer(EventLoop loop) {
        this.loop = loop;
    }

    public void arm(long millis, Runnable task) {
        cancel();
        pending = loop.schedule(() -> {
            pending = null;
            task.run();
        }, millis, TimeUnit.MILLISECONDS);
    }

    public void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
