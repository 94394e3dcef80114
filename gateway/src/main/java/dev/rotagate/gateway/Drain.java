package dev.rotagate.gateway;

import dev.rotagate.gateway.frontend.ClientConnections;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A graceful stop (SIGTERM, SIGINT): the listeners stop accepting, idle keep-alive connections close at once,
 * requests and tunnels under way may finish until the drain timeout, and whatever is left then is cut.
 * {@link #cutNow} (a second signal) ends the wait at once.
 */
final class Drain {

    /** How it went: connections busy when the drain began, and how many of all were still open at the end. */
    record Report(int busy, int cut, long millis) {
        int drained() {
            return Math.max(0, busy - cut);
        }
    }

    private static final long POLL_MILLIS = 20;

    private final Vertx vertx;
    private final ClientConnections connections;
    private final Promise<Report> done = Promise.promise();
    private long start;
    private int busy;
    private volatile boolean cutRequested;

    Drain(Vertx vertx, ClientConnections connections) {
        this.vertx = vertx;
        this.connections = connections;
    }

    Future<Report> run(List<NetServer> servers, Duration timeout) {
        start = System.nanoTime();
        // Vert.x stops accepting at once; its own deadline is only a backstop behind ours
        servers.forEach(s -> s.shutdown(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS));
        busy = connections.drain();
        long deadline = start + timeout.toNanos();
        vertx.setPeriodic(POLL_MILLIS, id -> {
            boolean over = System.nanoTime() - deadline >= 0 || cutRequested;
            if (connections.open() == 0 || over) {
                vertx.cancelTimer(id);
                int cut = connections.open() == 0 ? 0 : connections.cut();
                done.tryComplete(new Report(busy, cut, (System.nanoTime() - start) / 1_000_000));
            }
        });
        return done.future();
    }

    /** Stop waiting: what is still open is cut now. */
    void cutNow() {
        cutRequested = true;
    }
}
