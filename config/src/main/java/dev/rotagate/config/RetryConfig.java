package dev.rotagate.config;

/**
 * {@code attempts}: total tries of one request or tunnel, each on a different upstream. Retries in flight may be at
 * most {@code budgetPercent} of the requests in flight (but always {@code minConcurrent}), so a failing provider
 * cannot start a retry storm.
 */
public record RetryConfig(int attempts, int budgetPercent, int minConcurrent) {

    public static final RetryConfig DEFAULTS = new RetryConfig(3, 20, 3);
}
