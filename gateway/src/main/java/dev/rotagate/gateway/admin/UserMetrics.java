package dev.rotagate.gateway.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-user series: requests and tunnels, bytes each way, refusals and errors by kind. Only configured users get
 * series of their own (a name nobody configured could be anything a client typed); everyone else is {@code -}.
 */
final class UserMetrics {

    /** One user's meters; refusals by kind are made when first seen. */
    private static final class Meters {
        final Counter requests;
        final Counter tunnels;
        final Counter up;
        final Counter down;
        final Map<String, Counter> refusals = new ConcurrentHashMap<>();

        Meters(MeterRegistry registry, String user) {
            requests = Counter.builder("rotagate_user_requests").description("Plain HTTP requests by user")
                    .tag("user", user).register(registry);
            tunnels = Counter.builder("rotagate_user_tunnels").description("Tunnels (CONNECT, SOCKS) by user")
                    .tag("user", user).register(registry);
            up = Counter.builder("rotagate_user_client_to_upstream").baseUnit("bytes")
                    .description("Bytes from the user's clients to upstreams").tag("user", user).register(registry);
            down = Counter.builder("rotagate_user_upstream_to_client").baseUnit("bytes")
                    .description("Bytes from upstreams to the user's clients").tag("user", user).register(registry);
        }
    }

    private final MeterRegistry registry;
    private final Map<String, Meters> byUser = new ConcurrentHashMap<>();
    private volatile Set<String> configured = Set.of();

    UserMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void configure(Set<String> users) {
        configured = Set.copyOf(users);
    }

    void done(String user, boolean tunnel, long up, long down, String errorKind) {
        String name = configured.contains(user) ? user : "-";
        Meters m = byUser.computeIfAbsent(name, n -> new Meters(registry, n));
        (tunnel ? m.tunnels : m.requests).increment();
        m.up.increment(up);
        m.down.increment(down);
        if (errorKind != null) {
            m.refusals.computeIfAbsent(errorKind, k -> Counter.builder("rotagate_user_errors")
                    .description("Requests and tunnels of the user that ended in an error or a refusal, by kind")
                    .tag("user", name).tag("kind", k).register(registry)).increment();
        }
    }
}
