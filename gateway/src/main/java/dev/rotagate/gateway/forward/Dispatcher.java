package dev.rotagate.gateway.forward;

import dev.rotagate.common.FailureKind;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.connect.UpstreamConnector;
import dev.rotagate.pool.connect.UpstreamFailure;
import io.vertx.core.Future;
import java.util.concurrent.ThreadLocalRandom;

/** Route → select → connect: turns a request into an upstream (and for tunnels, a connection through it). */
public final class Dispatcher {

    /**
     * A chosen upstream with a slot taken (end it with {@link Upstream#finished}) and the session that fills its
     * credential template: the client's, or a fresh random one per request or tunnel.
     */
    public record Selection(Upstream upstream, String session, boolean sessionIsFresh) {
    }

    private final Router router;
    private final UpstreamConnector connector;

    public Dispatcher(Router router, UpstreamConnector connector) {
        this.router = router;
        this.connector = connector;
    }

    /** An upstream for a request, or a {@link GatewayError} (unknown route: 400; none free: 503). */
    public Future<Selection> select(ProxyRequest request) {
        Router.Route route;
        try {
            route = router.route(request);
        } catch (GatewayError e) {
            return Future.failedFuture(e);
        }
        Upstream upstream = route.pool().select(route.session(), route.tags());
        if (upstream == null) {
            return Future.failedFuture(new GatewayError(FailureKind.NO_UPSTREAM, "no upstream available in "
                    + route.pool() + (route.tags().isEmpty() ? "" : " with tags " + route.tags())
                    + ": all are at their connection limit"));
        }
        boolean fresh = route.session() == null;
        return Future.succeededFuture(new Selection(upstream, fresh ? randomSession() : route.session(), fresh));
    }

    /** A tunnel to the request's target; on success the caller ends the upstream's slot, on failure it is ended. */
    public Future<Tunnel> openTunnel(ProxyRequest request) {
        return select(request).compose(selection -> {
            Upstream upstream = selection.upstream();
            return connector.connect(upstream, request.target(), selection.session())
                    .map(socket -> new Tunnel(upstream, socket))
                    .onFailure(e -> {
                        if (e instanceof UpstreamFailure f && f.kind().isProxyFault()) {
                            upstream.failed();
                        }
                        upstream.finished(0, 0);
                    });
        });
    }

    /** A random session id for credential templates: a new exit per request when the client asked for none. */
    private static String randomSession() {
        return Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }
}
