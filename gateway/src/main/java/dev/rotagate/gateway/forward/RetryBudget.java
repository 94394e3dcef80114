package dev.rotagate.gateway.forward;

import dev.rotagate.config.RetryConfig;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Envoy's retry budget: retries in flight may be at most {@code budget-percent} of the requests and tunnels in
 * flight, but always {@code min-concurrent}. A provider that fails everything gets a few retries, not a storm.
 */
public final class RetryBudget {

    private volatile int percent;
    private volatile int minConcurrent;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();
    private final LongAdder started = new LongAdder();
    private final LongAdder refused = new LongAdder();

    public RetryBudget(RetryConfig config) {
        configure(config);
    }

    /** New limits (a reload); the counts of what is in flight stay. */
    public void configure(RetryConfig config) {
        this.percent = config.budgetPercent();
        this.minConcurrent = config.minConcurrent();
    }

    public void requestStarted() {
        active.incrementAndGet();
    }

    public void requestEnded() {
        active.decrementAndGet();
    }

    /** Takes a retry from the budget if one is left; give it back with {@link #retryEnded()}. */
    public boolean tryStartRetry() {
        while (true) {
            int now = retries.get();
            int allowed = Math.max(minConcurrent, (int) ((long) active.get() * percent / 100));
            if (now >= allowed) {
                refused.increment();
                return false;
            }
            if (retries.compareAndSet(now, now + 1)) {
                started.increment();
                return true;
            }
        }
    }

    public void retryEnded() {
        retries.decrementAndGet();
    }

    public int activeRequests() {
        return active.get();
    }

    public int activeRetries() {
        return retries.get();
    }

    /** Requests given a place for their retries, since the start. */
    public long started() {
        return started.sum();
    }

    /** Requests that would have been retried but found the budget used up: their clients saw the error. */
    public long refused() {
        return refused.sum();
    }
}
