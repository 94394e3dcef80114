package dev.rotagate.gateway.forward;

import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.resilience.FaultJudge;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * When one plain HTTP request that failed before its answer may be sent again, and to whom. A request is sent again
 * only whole ({@link RequestReplay}); one that may already have reached the upstream only if its method is
 * idempotent (RFC 9110 §9.2.2) — also on the stale-connection path; retries on other upstreams only after proxy
 * faults, within {@code retry.attempts} and Envoy's retry budget.
 */
final class RetryPolicy {

    static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.TRACE, HttpMethod.PUT, HttpMethod.DELETE);

    private final Dispatcher dispatcher;
    private final boolean idempotent;
    private final List<Upstream> tried = new ArrayList<>(3);
    private boolean inBudget;
    private boolean staleRetried;
    private boolean banRetried;

    RetryPolicy(Dispatcher dispatcher, HttpMethod method) {
        this.dispatcher = dispatcher;
        this.idempotent = IDEMPOTENT.contains(method);
    }

    /** The upstreams this request has left; the next one is picked among the others. */
    List<Upstream> tried() {
        return tried;
    }

    /**
     * A pooled connection closed before any answer (the upstream gave up on it while it was idle): once, a fresh
     * connection to the same upstream — if nothing of the request was written, or it is safe to send twice.
     */
    boolean mayRetryStale(boolean reused, boolean nothingWritten, RequestReplay replay) {
        if (!reused || staleRetried || !replay.whole() || !(nothingWritten || idempotent)) {
            return false;
        }
        staleRetried = true;
        return true;
    }

    /**
     * A failure before any answer byte: another upstream, unless the evidence says the target is at fault (another
     * upstream would fail the same way) or something else forbids it.
     */
    boolean mayRetryElsewhere(FaultJudge.Verdict verdict, boolean maySent, RequestReplay replay) {
        if (verdict == FaultJudge.Verdict.TARGET || !replay.whole() || maySent && !idempotent
                || tried.size() + 1 >= dispatcher.maxAttempts()) {
            return false;
        }
        if (!inBudget) {
            inBudget = dispatcher.budget().tryStartRetry(); // one place in the budget for all retries of a request
        }
        return inBudget;
    }

    /** A ban answer with {@code bans.retry}: once, another upstream (the client sees only the second answer). */
    boolean mayRetryAfterBan(boolean banRetry, RequestReplay replay) {
        if (!banRetry || banRetried || !replay.whole() || !replay.complete()) {
            return false;
        }
        banRetried = true;
        return true;
    }

    /** The request leaves {@code upstream} for another. */
    void movedOn(Upstream upstream) {
        tried.add(upstream);
        staleRetried = false;
    }

    /** The request is over: its place in the retry budget goes back. */
    void end() {
        if (inBudget) {
            inBudget = false;
            dispatcher.budget().retryEnded();
        }
    }
}
