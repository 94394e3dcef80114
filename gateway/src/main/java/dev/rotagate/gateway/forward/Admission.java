package dev.rotagate.gateway.forward;

import dev.rotagate.common.FailureKind;
import dev.rotagate.config.UserConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Whether a request or tunnel may start: the connection is within {@code server.max-connections}, and its user
 * within its {@code max-connections} (connections at once) and {@code rate} (requests and tunnels per second, a token
 * bucket holding one second's worth). Lock-free: one CAS per limited request. Shared by all config generations, so
 * a reload changes the limits without forgetting who holds what.
 */
public final class Admission {

    /** One user's limits and what it holds now. */
    private static final class UserState {
        final AtomicInteger connections = new AtomicInteger();
        /** GCRA's theoretical arrival time of the next request, in nanos. */
        final AtomicLong nextFree = new AtomicLong(Long.MIN_VALUE);
        volatile int maxConnections;
        volatile int rate;
    }

    private final Map<String, UserState> users = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    public Admission(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** The users' limits from a (re)loaded config; users left out keep no limit. */
    public void configure(List<UserConfig> configured) {
        users.values().forEach(s -> {
            s.maxConnections = 0;
            s.rate = 0;
        });
        for (UserConfig u : configured) {
            if (u.maxConnections() > 0 || u.rate() > 0 || users.containsKey(u.username())) {
                UserState s = users.computeIfAbsent(u.username(), n -> new UserState());
                s.maxConnections = u.maxConnections();
                s.rate = u.rate();
            }
        }
    }

    /** Null when {@code request} may go on; otherwise the refusal to answer with. */
    public GatewayError admit(ProxyRequest request, ClientLink client) {
        if (client.overLimit()) {
            return new GatewayError(FailureKind.OVERLOADED, "the gateway is at its limit of client connections"
                    + " (server.max-connections); try again shortly");
        }
        UserState s = users.get(request.hints().user());
        if (s == null) {
            return null;
        }
        if (s.maxConnections > 0 && !request.hints().user().equals(client.user())) {
            if (s.connections.incrementAndGet() > s.maxConnections) {
                s.connections.decrementAndGet();
                return new GatewayError(FailureKind.RATE_LIMITED, "user " + request.user() + " is at its max-connections ("
                        + s.maxConnections + ")");
            }
            client.heldBy(request.hints().user(), s.connections::decrementAndGet);
        }
        int rate = s.rate;
        if (rate > 0 && !take(s.nextFree, rate)) {
            return new GatewayError(FailureKind.RATE_LIMITED, "user " + request.user() + " is over its rate of " + rate
                    + " requests and tunnels per second");
        }
        return null;
    }

    /** GCRA: one emission interval per request, a burst of one second's worth. */
    private boolean take(AtomicLong nextFree, int rate) {
        long interval = 1_000_000_000L / rate;
        long burst = 1_000_000_000L - interval;
        long now = nanoTime.getAsLong();
        while (true) {
            long tat = nextFree.get();
            long start = tat == Long.MIN_VALUE || tat < now ? now : tat;
            if (start - now > burst) {
                return false;
            }
            if (nextFree.compareAndSet(tat, start + interval)) {
                return true;
            }
        }
    }
}
