package dev.rotagate.pool.connect;

import dev.rotagate.common.HostAndPort;
import dev.rotagate.pool.Upstream;

/**
 * A connection that speaks HTTP/1.1 (Netty's HttpClientCodec) either to an HTTP upstream proxy (requests in
 * absolute form; one connection serves any target) or through a SOCKS/direct upstream to one target (origin form).
 */
public final class HttpConnection {

    private final MessageSocket socket;
    private final Upstream upstream;
    private final HostAndPort tunnelTarget;
    private final String session;
    private final boolean reused;
    long idleSinceNanos;
    /** Made for one request only (a fresh credential-template session): closed, never pooled, when done. */
    boolean oneOff;

    HttpConnection(MessageSocket socket, Upstream upstream, HostAndPort tunnelTarget, String session, boolean reused) {
        this.socket = socket;
        this.upstream = upstream;
        this.tunnelTarget = tunnelTarget;
        this.session = session;
        this.reused = reused;
    }

    HttpConnection reuse() {
        return new HttpConnection(socket, upstream, tunnelTarget, session, true);
    }

    /** The session its credential template was filled with; null when the upstream has no template. */
    String session() {
        return session;
    }

    public MessageSocket socket() {
        return socket;
    }

    public Upstream upstream() {
        return upstream;
    }

    /** True when requests go to the upstream proxy in absolute form (an http:// upstream). */
    public boolean absoluteForm() {
        return tunnelTarget == null;
    }

    /** True when this connection served a request before: it may have been closed by the peer meanwhile. */
    public boolean reused() {
        return reused;
    }

    HostAndPort tunnelTarget() {
        return tunnelTarget;
    }
}
