package dev.rotagate.pool.resilience;

import dev.rotagate.common.FailureKind;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The health of one upstream: its state (changed only by {@link UpstreamStates}), its resilience4j breaker, and the
 * counters that decide and explain ejections. Reads are lock-free; writes other than counters happen under the
 * pool's state lock.
 */
public final class UpstreamHealth {

    private static final org.slf4j.Logger BREAKER_LOG = org.slf4j.LoggerFactory.getLogger("rotagate.upstream");

    private volatile CircuitBreaker breaker;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final LongAdder[] failuresByKind = new LongAdder[FailureKind.values().length];
    private volatile UpstreamState state;
    private volatile String reason;
    private volatile long sinceMillis;
    // guarded by the pool's UpstreamStates lock
    /** Ejected by failed probes: only probes bring it back (rise good ones in a row). */
    boolean ejectedByProbes;
    int ejections;
    long ejectedUntilNanos;
    long readmittedAtNanos;

    /** Health with a fresh breaker named after the upstream. */
    public static UpstreamHealth create(String name, dev.rotagate.config.BreakerConfig config, java.time.Duration maxHalfOpen,
                                        com.github.benmanes.caffeine.cache.Ticker ticker, UpstreamState initial) {
        return new UpstreamHealth(newBreaker(name, config, maxHalfOpen, ticker), initial, System.currentTimeMillis());
    }

    private static CircuitBreaker newBreaker(String name, dev.rotagate.config.BreakerConfig config, java.time.Duration maxHalfOpen,
                                             com.github.benmanes.caffeine.cache.Ticker ticker) {
        CircuitBreaker breaker = Breakers.create(name, config, maxHalfOpen, ticker);
        breaker.getEventPublisher().onStateTransition(e -> BREAKER_LOG.warn("upstream {} circuit breaker {} (failure rate {}%)",
                name, e.getStateTransition(), breaker.getMetrics().getFailureRate()));
        return breaker;
    }

    /** New breaker settings from a reload: a fresh breaker with them (state and counters of the upstream stay). */
    public void replaceBreaker(String name, dev.rotagate.config.BreakerConfig config, java.time.Duration maxHalfOpen,
                               com.github.benmanes.caffeine.cache.Ticker ticker) {
        this.breaker = newBreaker(name, config, maxHalfOpen, ticker);
    }

    UpstreamHealth(CircuitBreaker breaker, UpstreamState initial, long nowMillis) {
        this.breaker = breaker;
        this.state = initial;
        this.reason = initial == UpstreamState.PROBING ? "waiting for its first probe" : "configured";
        this.sinceMillis = nowMillis;
        for (int i = 0; i < failuresByKind.length; i++) {
            failuresByKind[i] = new LongAdder();
        }
    }

    public UpstreamState state() {
        return state;
    }

    public String reason() {
        return reason;
    }

    /** Wall-clock millis of the last state change. */
    public long sinceMillis() {
        return sinceMillis;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    public long failures(FailureKind kind) {
        return failuresByKind[kind.ordinal()].sum();
    }

    /** True while the upstream is out because probes failed (not because of traffic). */
    public synchronized boolean ejectedByProbes() {
        return ejectedByProbes;
    }

    /** Ejections that still count towards the next ejection's length. */
    public synchronized int ejections() {
        return ejections;
    }

    void set(UpstreamState state, String reason, long nowMillis) {
        this.state = state;
        this.reason = reason;
        this.sinceMillis = nowMillis;
    }

    int failedOnce(FailureKind kind) {
        failuresByKind[kind.ordinal()].increment();
        return consecutiveFailures.incrementAndGet();
    }

    void succeeded() {
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
    }

    void resetConsecutive() {
        consecutiveFailures.set(0);
    }
}
