package dev.rotagate.pool;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.rotagate.common.UpstreamUrl;
import dev.rotagate.config.BreakerConfig;
import dev.rotagate.pool.resilience.UpstreamHealth;
import dev.rotagate.pool.resilience.UpstreamState;
import java.time.Duration;
import dev.rotagate.config.UpstreamConfig;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One pool member: its configuration plus live counters shared by every event loop (atomics only).
 * {@link #toString()} is the name; {@link #url()} masks its password when printed.
 */
public final class Upstream {

    /** Weight of a new latency sample in the moving average (about the last 10 connects count). */
    private static final double EWMA_ALPHA = 0.2;

    private final UpstreamConfig config;
    private final UpstreamHealth health;
    private final long stableHash;
    private final int maxConnections;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong latencyEwmaNanos = new java.util.concurrent.atomic.AtomicLong(-1);
    private final LongAdder requests = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();

    public Upstream(UpstreamConfig config) {
        this(config, 0);
    }

    /** @param maxConnections requests and tunnels in flight at once; 0 = unlimited */
    public Upstream(UpstreamConfig config, int maxConnections) {
        this(config, maxConnections, UpstreamHealth.create(config.name(), BreakerConfig.DEFAULTS, Duration.ofSeconds(30),
                Ticker.systemTicker(), UpstreamState.HEALTHY));
    }

    public Upstream(UpstreamConfig config, int maxConnections, UpstreamHealth health) {
        this.config = config;
        this.maxConnections = maxConnections;
        this.health = health;
        this.stableHash = Hashing.hash64(config.name());
    }

    /** State, breaker and fault counters. */
    public UpstreamHealth health() {
        return health;
    }

    /** A hash of the name, the same in every process: what rendezvous hashing ranks by. */
    public long stableHash() {
        return stableHash;
    }

    public int maxConnections() {
        return maxConnections;
    }

    /** True when the upstream's username carries a {@code {session}} template. */
    public boolean isTemplated() {
        return config.url().username() != null && config.url().username().contains(SESSION_PLACEHOLDER);
    }

    public static final String SESSION_PLACEHOLDER = "{session}";

    /** The username to send for a session: the template filled in, or the plain username. */
    public String usernameFor(String sessionId) {
        String u = config.url().username();
        return u == null || !u.contains(SESSION_PLACEHOLDER) ? u : u.replace(SESSION_PLACEHOLDER, sessionId);
    }

    /** {@code Basic …} for this upstream's credentials (template filled with {@code sessionId}); null without any. */
    public String proxyAuthorization(String sessionId) {
        UpstreamUrl url = config.url();
        if (!url.hasCredentials()) {
            return null;
        }
        String pair = usernameFor(sessionId) + ":" + (url.password() == null ? "" : url.password());
        return "Basic " + java.util.Base64.getEncoder().encodeToString(pair.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Takes a slot for one request or tunnel if the upstream is below its cap; pair a success with {@link #finished}.
     */
    public boolean tryStart() {
        while (true) {
            int now = inFlight.get();
            if (maxConnections > 0 && now >= maxConnections) {
                return false;
            }
            if (inFlight.compareAndSet(now, now + 1)) {
                requests.increment();
                return true;
            }
        }
    }

    public boolean isSaturated() {
        return maxConnections > 0 && inFlight.get() >= maxConnections;
    }

    private volatile java.util.function.LongConsumer latencyObserver;

    /** Also tells {@code observer} every connect + handshake duration (metrics). */
    public void latencyObserver(java.util.function.LongConsumer observer) {
        this.latencyObserver = observer;
    }

    /** Feeds a connect + handshake duration into the moving average the least-latency strategy reads. */
    public void recordLatency(long nanos) {
        java.util.function.LongConsumer observer = latencyObserver;
        if (observer != null) {
            observer.accept(nanos);
        }
        while (true) {
            long old = latencyEwmaNanos.get();
            long next = old < 0 ? nanos : (long) (old + EWMA_ALPHA * (nanos - old));
            if (latencyEwmaNanos.compareAndSet(old, next)) {
                return;
            }
        }
    }

    /** Moving average of connect + handshake latency; -1 before the first sample. */
    public long latencyEwmaNanos() {
        return latencyEwmaNanos.get();
    }

    public String name() {
        return config.name();
    }

    public UpstreamUrl url() {
        return config.url();
    }

    public int weight() {
        return config.weight();
    }

    public List<String> tags() {
        return config.tags();
    }

    public UpstreamConfig config() {
        return config;
    }

    public void finished(long in, long out) {
        inFlight.decrementAndGet();
        bytesIn.add(in);
        bytesOut.add(out);
    }


    public int inFlight() {
        return inFlight.get();
    }

    public long requests() {
        return requests.sum();
    }

    /** Proxy faults through this upstream (the kinds are in {@link UpstreamHealth#failures}). */
    public long failures() {
        long n = 0;
        for (dev.rotagate.common.FailureKind kind : dev.rotagate.common.FailureKind.values()) {
            if (kind.isProxyFault()) {
                n += health.failures(kind);
            }
        }
        return n;
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    /** {@code name (url)} with the password masked: the form every error message uses. */
    public String describe() {
        return name() + " (" + url() + ")";
    }

    @Override
    public String toString() {
        return name();
    }
}
