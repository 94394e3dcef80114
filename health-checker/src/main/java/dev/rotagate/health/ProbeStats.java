package dev.rotagate.health;

/**
 * The probe history of one upstream: the last result, runs of successes and failures, and the latencies of the last
 * {@link #WINDOW} good probes for percentiles. Touched by the health checker's event loop only; read by reports.
 */
public final class ProbeStats {

    static final int WINDOW = 32;

    private final long[] latencies = new long[WINDOW];
    private int samples;
    private volatile ProbeResult last;
    private volatile String exitIp;
    private int okInARow;
    private int failedInARow;

    synchronized void record(ProbeResult r) {
        last = r;
        if (r.ok()) {
            okInARow++;
            failedInARow = 0;
            latencies[samples++ % WINDOW] = r.latencyNanos();
            if (r.exitIp() != null) {
                exitIp = r.exitIp();
            }
        } else {
            failedInARow++;
            okInARow = 0;
        }
    }

    public ProbeResult last() {
        return last;
    }

    public String exitIp() {
        return exitIp;
    }

    public synchronized int okInARow() {
        return okInARow;
    }

    public synchronized int failedInARow() {
        return failedInARow;
    }

    /** The p-th percentile (0-100) of recent good probe latencies in millis; -1 without samples. */
    public synchronized double latencyPercentileMillis(double p) {
        int n = Math.min(samples, WINDOW);
        if (n == 0) {
            return -1;
        }
        long[] sorted = java.util.Arrays.copyOf(latencies, n);
        java.util.Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * n) - 1;
        return sorted[Math.max(0, Math.min(n - 1, index))] / 1_000_000.0;
    }
}
