package dev.rotagate.gateway.forward;

import dev.rotagate.common.FailureKind;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.UpstreamPool;
import dev.rotagate.pool.connect.UpstreamConnector;
import dev.rotagate.pool.connect.UpstreamFailure;
import io.vertx.core.Future;

/** Select → connect: turns a request into a tunnel through an upstream of its pool. */
public final class Dispatcher {

    private final Router router;
    private final UpstreamConnector connector;

    public Dispatcher(Router router, UpstreamConnector connector) {
        this.router = router;
        this.connector = connector;
    }

    /** The upstream for a request, or a {@link GatewayError} NO_UPSTREAM. */
    public Future<Upstream> select(ProxyRequest request) {
        UpstreamPool pool = router.route(request);
        return pool.select()
                .map(Future::succeededFuture)
                .orElseGet(() -> Future.failedFuture(new GatewayError(FailureKind.NO_UPSTREAM,
                        "no upstream available in " + pool)));
    }

    /**
     * A tunnel to the request's target. On success the upstream counts one request in flight: the caller ends it
     * with {@link Upstream#finished}. On failure the count is already closed.
     */
    public Future<Tunnel> openTunnel(ProxyRequest request) {
        return select(request).compose(upstream -> {
            upstream.started();
            return connector.connect(upstream, request.target())
                    .map(socket -> new Tunnel(upstream, socket))
                    .onFailure(e -> {
                        if (e instanceof UpstreamFailure f && f.kind().isProxyFault()) {
                            upstream.failed();
                        }
                        upstream.finished(0, 0);
                    });
        });
    }
}
