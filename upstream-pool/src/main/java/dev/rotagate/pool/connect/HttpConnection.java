package dev.rotagate.pool.connect;

import dev.rotagate.common.HostAndPort;
import dev.rotagate.pool.Upstream;

/**
 * A connection that speaks HTTP/1.1 ({@link UpstreamHttpCodec}) either to an HTTP upstream proxy (requests in
 * absolute form; one connection serves any target) or through a SOCKS/direct upstream to one target (origin form).
 * It belongs to one exchange at a time, or to its pool while idle.
 */
public final class HttpConnection {

    private final MessageSocket socket;
    private final Upstream upstream;
    private final HostAndPort tunnelTarget;
    private final String session;
    private final boolean reused;
    private final boolean oneOff;

    HttpConnection(MessageSocket socket, Upstream upstream, HostAndPort tunnelTarget, String session, boolean reused,
                   boolean oneOff) {
        this.socket = socket;
        this.upstream = upstream;
        this.tunnelTarget = tunnelTarget;
        this.session = session;
        this.reused = reused;
        this.oneOff = oneOff;
    }

    HttpConnection reuse() {
        return new HttpConnection(socket, upstream, tunnelTarget, session, true, false);
    }

    HttpConnection asOneOff() {
        return new HttpConnection(socket, upstream, tunnelTarget, session, reused, true);
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

    /** Made for one request only (a fresh credential-template session): closed, never pooled, when done. */
    boolean oneOff() {
        return oneOff;
    }

    /** The target this connection is a tunnel to (for direct: the checked address); null through an http:// upstream. */
    public HostAndPort tunnelTarget() {
        return tunnelTarget;
    }
}
