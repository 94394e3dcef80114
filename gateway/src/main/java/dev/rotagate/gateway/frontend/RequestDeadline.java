package dev.rotagate.gateway.frontend;

import dev.rotagate.pool.connect.MessageSocket;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * A client owes a complete request — an HTTP head, or the SOCKS greeting and command — within
 * {@code timeouts.request} of connecting or of its previous answer; otherwise the connection is closed. Without it a
 * client trickling a head one byte at a time (slowloris) would hold a connection for as long as the idle timeout.
 */
public final class RequestDeadline {

    private final Vertx vertx;
    private final MessageSocket client;
    private final long millis;
    private long timer = -1;

    public RequestDeadline(Vertx vertx, MessageSocket client, Duration timeout) {
        this.vertx = vertx;
        this.client = client;
        this.millis = timeout.toMillis();
    }

    /** The clock starts (again): a request is due. */
    public void arm() {
        disarm();
        timer = vertx.setTimer(millis, id -> {
            timer = -1;
            client.close();
        });
    }

    /** The request arrived (or the connection closed). */
    public void disarm() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
