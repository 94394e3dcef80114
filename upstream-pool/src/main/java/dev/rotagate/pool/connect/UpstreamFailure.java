package dev.rotagate.pool.connect;

import dev.rotagate.common.FailureKind;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.pool.Upstream;

/**
 * A classified failure to reach a target through an upstream. The message follows Netty's proxy handlers:
 * {@code protocol, upstream => target, reason}, with the upstream's password masked.
 */
public final class UpstreamFailure extends RuntimeException {

    private final FailureKind kind;
    private final transient Upstream upstream;
    private final HostAndPort target;
    private final String reason;

    public UpstreamFailure(FailureKind kind, Upstream upstream, HostAndPort target, String reason, Throwable cause) {
        super(upstream.url().scheme().text() + ", " + upstream.describe() + " => " + target + ", " + reason, cause, false, false);
        this.kind = kind;
        this.upstream = upstream;
        this.target = target;
        this.reason = reason;
    }

    public FailureKind kind() {
        return kind;
    }

    public Upstream upstream() {
        return upstream;
    }

    public HostAndPort target() {
        return target;
    }

    public String reason() {
        return reason;
    }

    /** The message for clients: the upstream by its name only, no URL, user or host ({@code server.error-detail: name}). */
    public String clientMessage() {
        return upstream.url().scheme().text() + ", " + upstream.name() + " => " + target + ", " + reason;
    }
}
