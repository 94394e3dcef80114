package dev.rotagate.pool.resilience;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.rotagate.config.BreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

/** Builds the per-upstream resilience4j breakers, all on the gateway's ticker so tests can move time. */
public final class Breakers {

    private Breakers() {
    }

    /**
     * A breaker that is only ever asked with {@code tryAcquirePermission()} (never blocks), whose half-open trial
     * permits are freed after {@code maxHalfOpen} even if a report got lost, and that records every error it is given
     * (we only report proxy faults as errors).
     */
    public static CircuitBreaker create(String name, BreakerConfig config, Duration maxHalfOpen, Ticker ticker) {
        CircuitBreakerConfig c = CircuitBreakerConfig.custom()
                .failureRateThreshold(config.failureRate())
                .slidingWindow(config.window(), Math.min(config.minimumCalls(), config.window()),
                        CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .waitDurationInOpenState(config.openFor())
                .permittedNumberOfCallsInHalfOpenState(3)
                .maxWaitDurationInHalfOpenState(maxHalfOpen)
                .automaticTransitionFromOpenToHalfOpenEnabled(false) // lazily, inside tryAcquirePermission
                .writableStackTraceEnabled(false)
                .clock(new TickerClock(ticker))
                .currentTimestampFunction(clock -> ticker.read(), TimeUnit.NANOSECONDS)
                .build();
        return CircuitBreaker.of(name, c);
    }

    /** A {@link Clock} that reads the ticker: resilience4j times its open state with it. */
    private static final class TickerClock extends Clock {
        private final Ticker ticker;

        TickerClock(Ticker ticker) {
            this.ticker = ticker;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(0).plusNanos(ticker.read());
        }
    }
}
