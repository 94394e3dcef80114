package dev.rotagate.pool.connect;

import io.vertx.core.internal.net.NetSocketInternal;
import java.lang.reflect.Field;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works around Vert.x 5.0.7 giving every connection an outbound message queue whose first chunk has 1,024 slots
 * (Netty's fixed MPSC chunk size): 4.2 KiB of {@code Object[]} per connection, 8.4 of the 10 KiB of heap an idle
 * tunnel holds, and what the young collections copy while tunnels are set up. A new connection's queue, still
 * empty, is swapped for a {@link ConcurrentLinkedQueue}: Vert.x only adds to it and polls it, and only while the
 * connection cannot take more (or for writes from other threads) — on the event loop a writable connection is
 * written to directly — so a node per queued write costs less than 4 KiB held by every idle connection. If Vert.x's
 * fields are not as expected (another version), nothing is changed and that is said once; {@link #active()} tells,
 * and a test fails so that an upgrade notices.
 */
final class OutboundQueues {

    private static final Logger LOG = LoggerFactory.getLogger(OutboundQueues.class);
    /** VertxConnection.outboundMessageQueue → OutboundMessageQueue.mqp → MessagePassingQueue.queue; null: off. */
    private static final Field[] PATH = path();

    private OutboundQueues() {
    }

    static boolean active() {
        return PATH != null;
    }

    /** Call before anything was written to {@code socket}: the queue must be empty. */
    static void shrink(NetSocketInternal socket) {
        if (PATH == null) {
            return;
        }
        try {
            Object channel = PATH[0].get(socket);
            Object messages = PATH[1].get(channel);
            if (PATH[2].get(messages) instanceof Queue<?> queue && queue.isEmpty()) {
                PATH[2].set(messages, new ConcurrentLinkedQueue<>());
            }
        } catch (IllegalAccessException | IllegalArgumentException e) {
            LOG.debug("outbound queue left as Vert.x made it", e);
        }
    }

    private static Field[] path() {
        try {
            Field outbound = field("io.vertx.core.net.impl.VertxConnection", "outboundMessageQueue");
            Field mqp = field("io.vertx.core.internal.concurrent.OutboundMessageQueue", "mqp");
            Field queue = field("io.vertx.core.streams.impl.MessagePassingQueue", "queue");
            if (!Queue.class.isAssignableFrom(queue.getType())) {
                throw new NoSuchFieldException("MessagePassingQueue.queue is a " + queue.getType());
            }
            return new Field[] {outbound, mqp, queue};
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.info("Vert.x's outbound queues keep their size (4 KiB per connection): {}", e.toString());
            return null;
        }
    }

    private static Field field(String className, String name) throws ReflectiveOperationException {
        Field f = Class.forName(className).getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
