package dev.rotagate.health;

/** What one probe through an upstream found. {@code exitIp} is null unless an exit-IP URL is configured. */
public record ProbeResult(boolean ok, long latencyNanos, int status, String exitIp, String error, long atMillis) {

    public static ProbeResult failed(String error, long latencyNanos) {
        return new ProbeResult(false, latencyNanos, 0, null, error, System.currentTimeMillis());
    }
}
