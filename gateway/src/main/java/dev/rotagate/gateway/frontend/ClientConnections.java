package dev.rotagate.gateway.frontend;

import dev.rotagate.config.ListenerConfig;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Every open client connection: for the {@code server.max-connections} limit and for draining at shutdown. A
 * connection over the limit is still served as far as its first request — so that it gets a proper answer in its
 * own protocol (503 or a SOCKS failure reply) rather than a silent close — and then closed; it does not count.
 */
public final class ClientConnections {

    /** What the gateway is doing with its connections; moves only forward. */
    public enum Mode { SERVING, DRAINING, CUTTING }

    private final int max;
    private final Set<ClientConnection> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger admitted = new AtomicInteger();
    private volatile Mode mode = Mode.SERVING;

    /** {@code max} 0: unlimited. */
    public ClientConnections(int max) {
        this.max = max;
    }

    /** A new connection; false when it is over the limit (it is tracked, not counted). */
    boolean opened(ClientConnection connection) {
        open.add(connection);
        if (mode != Mode.SERVING) {
            // accepted while the listener was closing: treated like the ones open when the drain began
            connection.socket().eventLoop().execute(connection::drain);
        }
        if (max <= 0) {
            return true;
        }
        if (admitted.incrementAndGet() > max) {
            admitted.decrementAndGet();
            return false;
        }
        return true;
    }

    void closed(ClientConnection connection, boolean counted) {
        if (open.remove(connection) && counted && max > 0) {
            admitted.decrementAndGet();
        }
    }

    public int open() {
        return open.size();
    }

    /** Connections relaying a tunnel now (one pass over the open ones: for reports, not for the request path). */
    public int tunnels() {
        int n = 0;
        for (ClientConnection c : open) {
            if (c.phase() == Phase.TUNNEL) {
                n++;
            }
        }
        return n;
    }

    public Mode mode() {
        return mode;
    }

    public boolean draining() {
        return mode != Mode.SERVING;
    }

    /** Shutdown begins: idle connections close now, busy ones after their request or tunnel. Returns how many are busy. */
    public int drain() {
        mode = Mode.DRAINING;
        int busy = 0;
        for (ClientConnection c : open) {
            if (c.busy()) {
                busy++;
            }
            c.socket().eventLoop().execute(c::drain);
        }
        return busy;
    }

    /**
     * The connections that came in through a listener {@code sameListener} accepts (a reload removed or changed it):
     * idle ones close now, busy ones after their request or tunnel; the others are not touched.
     */
    public void drain(Predicate<ListenerConfig> sameListener) {
        for (ClientConnection c : open) {
            if (sameListener.test(c.entrance().listener())) {
                c.socket().eventLoop().execute(c::drain);
            }
        }
    }

    /** The drain time is up: whatever is still open is closed now. Returns how many were cut. */
    public int cut() {
        mode = Mode.CUTTING;
        int cut = open.size();
        for (ClientConnection c : open) {
            c.socket().eventLoop().execute(() -> c.socket().close());
        }
        return cut;
    }
}
