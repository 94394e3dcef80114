package dev.rotagate.health;

import java.util.Map;

/**
 * One upstream in a {@link HealthReport}: what the CLI, the admin API and the status page all show.
 * Times are epoch millis (0: never); latencies millis (-1: no sample).
 */
public record UpstreamReport(String pool, String name, String url, String state, String reason, long sinceMillis,
                             String breaker, double latencyLastMs, double latencyP50Ms, double latencyP95Ms,
                             String exitIp, boolean sharedExitIp, long lastCheckMillis, String lastError,
                             long requests, long failures, double successRate, int inFlight, long bytesIn, long bytesOut,
                             Map<String, Long> failuresByKind, long activeBans) {

    public boolean healthy() {
        return state.equals("HEALTHY");
    }
}
