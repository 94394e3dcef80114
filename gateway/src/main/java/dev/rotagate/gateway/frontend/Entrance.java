package dev.rotagate.gateway.frontend;

import dev.rotagate.common.RoutingHints;
import dev.rotagate.config.ListenerConfig;
import dev.rotagate.gateway.admin.ListenerStats;
import java.util.Optional;

/**
 * Where a client connection came in: its listener (as configured when it was accepted), the port of it, and the
 * listener's figures. What the listener fixes — the session of its port, the pool, the tags — overrides what the
 * client's username or headers ask; it is worked out once here, per connection, not on each request.
 */
public final class Entrance {

    private final ListenerConfig listener;
    private final int port;
    private final ListenerStats stats;
    private final Optional<String> session;
    private final Optional<String> pool;

    public Entrance(ListenerConfig listener, int port, ListenerStats stats) {
        this.listener = listener;
        this.port = port;
        this.stats = stats;
        this.session = listener.sessionPerPort() ? Optional.of(listener.sessionFor(port)) : Optional.empty();
        this.pool = Optional.ofNullable(listener.pool());
    }

    public ListenerConfig listener() {
        return listener;
    }

    public int port() {
        return port;
    }

    public ListenerStats stats() {
        return stats;
    }

    /** {@code hints} with what the listener fixes put in their place. */
    public RoutingHints apply(RoutingHints hints) {
        if (!listener.fixesAnything()) {
            return hints;
        }
        return new RoutingHints(listener.user() != null ? listener.user() : hints.user(),
                session.isPresent() ? session : hints.session(),
                pool.isPresent() ? pool : hints.pool(),
                listener.tags().isEmpty() ? hints.tags() : listener.tags());
    }
}
