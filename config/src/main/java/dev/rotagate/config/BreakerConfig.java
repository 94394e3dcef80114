package dev.rotagate.config;

import java.time.Duration;

/**
 * When an upstream is taken out of rotation. A resilience4j breaker per upstream opens at {@code failureRate} percent
 * proxy faults (over the last {@code window} calls, from {@code minimumCalls} on) for {@code openFor}; independently
 * {@code consecutiveFailures} proxy faults in a row eject it for {@code ejectionTime} × the number of recent
 * ejections, at most {@code maxEjectionTime}. Never more than {@code maxEjectedPercent} of a pool is ejected (but
 * always one may be). With nothing eligible, {@code panic} answers 503 at once or uses every upstream regardless.
 */
public record BreakerConfig(int failureRate, int window, int minimumCalls, int consecutiveFailures, Duration openFor,
                            Duration ejectionTime, Duration maxEjectionTime, int maxEjectedPercent, Panic panic) {

    public enum Panic { FAIL_FAST, USE_ALL }

    public static final BreakerConfig DEFAULTS = new BreakerConfig(50, 20, 10, 5, Duration.ofSeconds(30),
            Duration.ofSeconds(30), Duration.ofMinutes(5), 50, Panic.FAIL_FAST);
}
