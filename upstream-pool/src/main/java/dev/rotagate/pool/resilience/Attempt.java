package dev.rotagate.pool.resilience;

import dev.rotagate.common.FailureKind;
import dev.rotagate.pool.Upstream;
import java.util.concurrent.TimeUnit;

/**
 * One use of an upstream: a slot taken and a breaker permit held. It reports to the breaker exactly once — success,
 * failure (only proxy faults count), or cancelled (the permit is given back) — and gives the slot back once.
 */
public final class Attempt {

    private final Upstream upstream;
    private final UpstreamStates states;
    private final long startTimestamp;
    /** The breaker the permit came from (a reload may give the upstream a new one meanwhile). */
    private final io.github.resilience4j.circuitbreaker.CircuitBreaker breaker;
    /** False for a panic-mode use without a permit: nothing may be reported to the breaker then. */
    private final boolean holdsPermit;
    private boolean reported;
    private boolean finished;

    public Attempt(Upstream upstream, UpstreamStates states, boolean holdsPermit) {
        this.upstream = upstream;
        this.states = states;
        this.holdsPermit = holdsPermit;
        this.breaker = upstream.health().breaker();
        this.startTimestamp = breaker.getCurrentTimestamp();
    }

    public Upstream upstream() {
        return upstream;
    }

    /** The upstream did its part (connected and handshaken, or answered). */
    public void succeeded() {
        if (reported) {
            return;
        }
        reported = true;
        if (holdsPermit) {
            breaker.onSuccess(breaker.getCurrentTimestamp() - startTimestamp, breaker.getTimestampUnit());
        }
        states.onSuccess(upstream);
    }

    /** It failed: a proxy fault counts against the upstream; any other kind means the upstream itself worked. */
    public void failed(FailureKind kind, Throwable cause) {
        if (reported) {
            return;
        }
        if (!kind.isProxyFault()) {
            succeeded();
            return;
        }
        reported = true;
        if (holdsPermit) {
            breaker.onError(breaker.getCurrentTimestamp() - startTimestamp, breaker.getTimestampUnit(),
                    cause instanceof Exception ? cause : new Exception(kind.code()));
        }
        states.onProxyFault(upstream, kind);
    }

    /** Not used after all (client gone, gateway limits): the permit goes back, nothing is counted. */
    public void cancelled() {
        if (reported) {
            return;
        }
        reported = true;
        if (holdsPermit) {
            breaker.releasePermission();
        }
    }

    /** Gives the slot back; reports "cancelled" if nothing was reported yet. */
    public void finish(long bytesIn, long bytesOut) {
        cancelled();
        if (!finished) {
            finished = true;
            upstream.finished(bytesIn, bytesOut);
        }
    }

    public long elapsedNanos() {
        return TimeUnit.NANOSECONDS.convert(breaker.getCurrentTimestamp() - startTimestamp, breaker.getTimestampUnit());
    }
}
