package dev.rotagate.pool.connect;

import dev.rotagate.common.FailureKind;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.pool.Upstream;

/**
 * A classified failure to reach a target through an upstream. The message follows Netty's proxy handlers:
 * {@code protocol, upstream => target, reason}, with the upstream's password masked.
 */
public final class UpstreamFailure extends RuntimeException {

    /**
     * Who the evidence points at. UPSTREAM and TARGET follow the kind; EITHER is for what the proxy and the target
     * could both have caused — no answer in time, a close before the answer, a malformed answer, an unmarked 5xx —
     * which the {@code FaultJudge} tells apart by correlation.
     */
    public enum Blame {
        UPSTREAM, TARGET, EITHER;

        /** What a kind implies alone: the proxy for its own faults, else the target. */
        public static Blame of(FailureKind kind) {
            return kind.isProxyFault() ? UPSTREAM : TARGET;
        }
    }

    private final FailureKind kind;
    private final Blame blame;
    private final transient Upstream upstream;
    private final HostAndPort target;
    private final String reason;

    public UpstreamFailure(FailureKind kind, Upstream upstream, HostAndPort target, String reason, Throwable cause) {
        this(kind, Blame.of(kind), upstream, target, reason, cause);
    }

    public UpstreamFailure(FailureKind kind, Blame blame, Upstream upstream, HostAndPort target, String reason,
                           Throwable cause) {
        super(upstream.url().scheme().text() + ", " + upstream.describe() + " => " + target + ", " + reason, cause, false, false);
        this.kind = kind;
        this.blame = blame;
        this.upstream = upstream;
        this.target = target;
        this.reason = reason;
    }

    public FailureKind kind() {
        return kind;
    }

    public Blame blame() {
        return blame;
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
