package dev.rotagate.gateway.forward;

import dev.rotagate.common.FailureKind;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.UpstreamScheme;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.connect.Dialer;
import dev.rotagate.pool.connect.FailureClassifier;
import dev.rotagate.pool.connect.HttpConnection;
import dev.rotagate.pool.connect.HttpConnections;
import dev.rotagate.pool.connect.UpstreamFailure;
import dev.rotagate.pool.resilience.Attempt;
import dev.rotagate.pool.resilience.FaultJudge;
import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Route → select → connect, with retries: a tunnel whose upstream fails before the client got its answer, or a plain
 * HTTP request whose connection could not be opened, is tried again on a different upstream (a session walks its
 * rendezvous order), up to {@code retry.attempts} tries and within the retry budget.
 */
public final class Dispatcher {

    /**
     * A chosen upstream with a slot and a breaker permit (an {@link Attempt}) and the session that fills its
     * credential template: the client's, or a fresh random one per request or tunnel.
     */
    public record Selection(Attempt attempt, String session, boolean sessionIsFresh) {
        public Upstream upstream() {
            return attempt.upstream();
        }
    }

    private final Router router;
    private final Dialer connector;
    private final HttpConnections httpConnections;
    private final RetryBudget budget;
    private final int maxAttempts;
    private final TargetPolicy targets;

    public Dispatcher(Router router, Dialer connector, HttpConnections httpConnections, RetryBudget budget, int maxAttempts,
                      TargetPolicy targets) {
        this.router = router;
        this.targets = targets;
        this.connector = connector;
        this.httpConnections = httpConnections;
        this.budget = budget;
        this.maxAttempts = maxAttempts;
    }

    public Router router() {
        return router;
    }

    public RetryBudget budget() {
        return budget;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * A request past the target policy: its route (computed once, for every attempt) and the address a direct
     * connection goes to.
     */
    private record Checked(Router.Route route, HostAndPort address) {
    }

    /** An upstream of the request's route, avoiding {@code excluded}; or a {@link GatewayError} (none: 503). */
    private Future<Selection> select(Router.Route route, ProxyRequest request, Collection<Upstream> excluded) {
        String domain = request.target().host();
        Attempt attempt = route.pool().select(route.session(), route.tags(), domain, excluded);
        if (attempt == null) {
            return Future.failedFuture(new GatewayError(FailureKind.NO_UPSTREAM,
                    route.pool().explainNoUpstream(route.tags(), domain, excluded)));
        }
        boolean fresh = route.session() == null;
        // a fresh random session only fills a credential template: no upstream without one needs it
        String session = !fresh ? route.session() : attempt.upstream().isTemplated() ? randomSession() : null;
        return Future.succeededFuture(new Selection(attempt, session, fresh));
    }

    /** A tunnel to the request's target, retried on other upstreams after proxy faults; {@code loop}: the client's. */
    public Future<Tunnel> openTunnel(ProxyRequest request, EventLoop loop) {
        budget.requestStarted();
        return checkedTarget(request, loop)
                .compose(checked -> tryTunnel(request, checked, new ArrayList<>(maxAttempts), null))
                .onFailure(e -> budget.requestEnded());
    }

    /**
     * The target after the policy's checks, before any upstream is chosen: a refused target never takes an upstream's
     * slot. For a pool with {@code direct://} upstreams, the checked address a direct connection goes to.
     */
    private Future<Checked> checkedTarget(ProxyRequest request, EventLoop loop) {
        String refusal = targets.refusal(request.target());
        if (refusal != null) {
            return Future.failedFuture(targets.denied(request.target(), refusal));
        }
        Router.Route route;
        try {
            route = router.route(request);
        } catch (GatewayError e) {
            return Future.failedFuture(e);
        }
        if (!route.pool().hasDirectUpstream()) {
            return Future.succeededFuture(new Checked(route, request.target()));
        }
        return targets.resolveChecked(request.target(), loop).map(address -> new Checked(route, address));
    }

    /** Where a connection through {@code upstream} goes: for direct://, the checked address. */
    private static HostAndPort dialTarget(Upstream upstream, ProxyRequest request, Checked checked) {
        return upstream.url().scheme() == UpstreamScheme.DIRECT ? checked.address() : request.target();
    }

    private Future<Tunnel> tryTunnel(ProxyRequest request, Checked checked, List<Upstream> tried, UpstreamFailure previous) {
        return select(checked.route(), request, tried).recover(e -> Future.failedFuture(previous != null ? previous : e)).compose(selection -> {
            Attempt attempt = selection.attempt();
            return connector.connect(attempt.upstream(), dialTarget(attempt.upstream(), request, checked), selection.session())
                    .map(socket -> {
                        attempt.succeeded(request.target());
                        return new Tunnel(attempt, socket, tried.size() + 1);
                    })
                    .recover(e -> {
                        UpstreamFailure failure = FailureClassifier.classify(e, attempt.upstream(), request.target());
                        FaultJudge.Verdict verdict = attempt.failed(failure.kind(), failure);
                        attempt.finish(0, 0);
                        tried.add(attempt.upstream());
                        if (verdict == FaultJudge.Verdict.TARGET || tried.size() >= maxAttempts || !budget.tryStartRetry()) {
                            return Future.failedFuture(failure);
                        }
                        return tryTunnel(request, checked, tried, failure).onComplete(ar -> budget.retryEnded());
                    });
        });
    }

    /** A chosen upstream and a connection through it for a plain HTTP request. */
    record Connected(Selection selection, HttpConnection connection) {
    }

    /**
     * A keep-alive connection for a plain HTTP request: select → connect, a connect failure (nothing was sent) tried
     * again on another upstream as {@code retries} allows. A failed attempt is finished here; a connected one is the
     * caller's to finish.
     *
     * @param previous the failure that made this a retry, reported when nothing is left to try
     */
    Future<Connected> connectHttp(ProxyRequest request, EventLoop loop, RetryPolicy retries, RequestReplay replay,
                                  Throwable previous) {
        return checkedTarget(request, loop).compose(checked -> connectHttp(request, checked, loop, retries, replay, previous));
    }

    private Future<Connected> connectHttp(ProxyRequest request, Checked checked, EventLoop loop, RetryPolicy retries,
                                          RequestReplay replay, Throwable previous) {
        return select(checked.route(), request, retries.tried()).recover(e -> Future.failedFuture(previous != null ? previous : e))
                .compose(selection -> {
                    Upstream upstream = selection.upstream();
                    return httpConnections.acquire(loop, upstream, dialTarget(upstream, request, checked), selection.session(),
                                    selection.sessionIsFresh())
                            .map(c -> new Connected(selection, c))
                            .recover(e -> {
                                UpstreamFailure failure = FailureClassifier.classify(e, upstream, request.target());
                                FaultJudge.Verdict verdict = selection.attempt().failed(failure.kind(), failure);
                                selection.attempt().finish(0, 0);
                                if (!retries.mayRetryElsewhere(verdict, false, replay)) {
                                    return Future.failedFuture(failure);
                                }
                                retries.movedOn(upstream);
                                return connectHttp(request, checked, loop, retries, replay, failure);
                            });
                });
    }

    /** Ends a tunnel: the upstream's slot and the request's place in the retry budget. */
    public void finished(Tunnel tunnel, long bytesIn, long bytesOut) {
        tunnel.attempt().finish(bytesIn, bytesOut);
        budget.requestEnded();
    }

    /** A random session id for credential templates: a new exit per request when the client asked for none. */
    private static String randomSession() {
        return Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }
}
