package dev.rotagate.pool.connect;

import dev.rotagate.common.HostAndPort;
import dev.rotagate.config.TimeoutsConfig;
import dev.rotagate.pool.Upstream;
import io.vertx.core.Future;

/**
 * Opens connections through upstreams. {@link UpstreamConnector} is the one that dials; the fuzz tests give the
 * gateway one that hands out in-memory sockets. Failures come back classified ({@link UpstreamFailure}).
 */
public interface Dialer {

    /**
     * A byte stream to {@code target} through {@code via}, in message mode, paused and owned by nobody yet.
     *
     * @param session fills a {@code {session}} template in the upstream's username
     */
    Future<MessageSocket> connect(Upstream via, HostAndPort target, String session);

    /** A plain TCP connection to an http:// upstream itself, for absolute-form requests; paused, owned by nobody. */
    Future<MessageSocket> connectToProxy(Upstream via, HostAndPort targetForErrors);

    /** New connect and handshake timeouts (a reload); they apply to the next connects. */
    void timeouts(TimeoutsConfig timeouts);

    Future<Void> close();
}
