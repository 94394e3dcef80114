package dev.rotagate.gateway.admin;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One listener's figures, shared by every event loop: connections accepted and open, requests and tunnels finished
 * and how many of them failed. Each connection holds its listener's, so counting costs no lookup.
 */
public final class ListenerStats {

    private final String name;
    private final LongAdder accepted = new LongAdder();
    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();

    ListenerStats(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public void connectionOpened() {
        accepted.increment();
        open.incrementAndGet();
    }

    public void connectionClosed() {
        open.decrementAndGet();
    }

    public void requestDone(boolean failed) {
        requests.increment();
        if (failed) {
            errors.increment();
        }
    }

    long accepted() {
        return accepted.sum();
    }

    int open() {
        return open.get();
    }

    long requests() {
        return requests.sum();
    }

    long errors() {
        return errors.sum();
    }

    JsonObject json() {
        return new JsonObject().put("connections", accepted()).put("openConnections", open()).put("requests", requests())
                .put("errors", errors());
    }
}
