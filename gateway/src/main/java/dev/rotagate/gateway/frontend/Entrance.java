package dev.rotagate.gateway.frontend;

import dev.rotagate.common.RoutingHints;
import dev.rotagate.config.ListenerConfig;
import dev.rotagate.gateway.admin.ListenerStats;
import java.util.Optional;

/**
 * Where a client connection came in: its listener (as configured when it was accepted), the port of it, and the
 * listener's figures. What the
 * listener fixes — the session of its port, the pool, the tags — overrides what the client's username or headers ask.
 */
public record Entrance(ListenerConfig listener, int port, ListenerStats stats) {

    /** {@code hints} with what the listener fixes put in their place. */
    public RoutingHints apply(RoutingHints hints) {
        if (!listener.fixesAnything()) {
            return hints;
        }
        return new RoutingHints(listener.user() != null ? listener.user() : hints.user(),
                listener.sessionPerPort() ? Optional.of(listener.sessionFor(port)) : hints.session(),
                listener.pool() != null ? Optional.of(listener.pool()) : hints.pool(),
                listener.tags().isEmpty() ? hints.tags() : listener.tags());
    }
}
