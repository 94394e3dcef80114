package dev.rotagate.pool.resilience;

import dev.rotagate.common.FailureKind;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.connect.UpstreamFailure;
import java.util.concurrent.TimeUnit;

/**
 * One use of an upstream: a slot taken and a breaker permit held. It reports to the breaker exactly once — success,
 * failure (only the upstream's own faults count), or cancelled (the permit is given back) — and gives the slot back
 * once. A failure the upstream and the target could both have caused goes to the {@link FaultJudge} first.
 */
public final class Attempt {

    private final Upstream upstream;
    private final UpstreamStates states;
    private final FaultJudge judge;
    private final long startTimestamp;
    /** The breaker the permit came from (a reload may give the upstream a new one meanwhile). */
    private final io.github.resilience4j.circuitbreaker.CircuitBreaker breaker;
    /** False for a panic-mode use without a permit: nothing may be reported to the breaker then. */
    private final boolean holdsPermit;
    private boolean reported;
    /** What {@link #failed} concluded, once it was called. */
    private FaultJudge.Verdict verdict;
    private boolean finished;

    public Attempt(Upstream upstream, UpstreamStates states, FaultJudge judge, boolean holdsPermit) {
        this.upstream = upstream;
        this.states = states;
        this.judge = judge;
        this.holdsPermit = holdsPermit;
        this.breaker = upstream.health().breaker();
        this.startTimestamp = breaker.getCurrentTimestamp();
    }

    public Upstream upstream() {
        return upstream;
    }

    /** The upstream did its part for {@code target}: also evidence for the {@link FaultJudge}. */
    public void succeeded(HostAndPort target) {
        if (report()) {
            judge.succeeded(upstream, target);
        }
    }

    /** The upstream did its part (connected and handshaken, or answered). */
    public void succeeded() {
        if (report()) {
            judge.succeeded(upstream);
        }
    }

    /** The one success report to the breaker and the states; false when something was reported already. */
    private boolean report() {
        if (reported) {
            return false;
        }
        reported = true;
        if (holdsPermit) {
            breaker.onSuccess(breaker.getCurrentTimestamp() - startTimestamp, breaker.getTimestampUnit());
        }
        states.onSuccess(upstream);
        return true;
    }

    /**
     * It failed, and what that says about the upstream: a proxy fault counts against it; any other kind means the
     * upstream itself worked; a failure either could have caused is judged by correlation ({@link FaultJudge}).
     * Reports once: a second call only repeats the verdict.
     */
    public FaultJudge.Verdict failed(FailureKind kind, Throwable cause) {
        if (reported) {
            return verdict != null ? verdict : FaultJudge.Verdict.UNKNOWN;
        }
        verdict = verdict(kind, cause);
        switch (verdict) {
            case TARGET -> succeeded();
            case UNKNOWN -> cancelled();
            case UPSTREAM -> countFault(kind, cause);
        }
        return verdict;
    }

    private FaultJudge.Verdict verdict(FailureKind kind, Throwable cause) {
        if (cause instanceof UpstreamFailure f) {
            return switch (f.blame()) {
                case UPSTREAM -> FaultJudge.Verdict.UPSTREAM;
                case TARGET -> FaultJudge.Verdict.TARGET;
                case EITHER -> judge.judge(upstream, f.target());
            };
        }
        return kind.isProxyFault() ? FaultJudge.Verdict.UPSTREAM : FaultJudge.Verdict.TARGET;
    }

    private void countFault(FailureKind kind, Throwable cause) {
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
