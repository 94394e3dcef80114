package dev.rotagate.gateway.forward;

import dev.rotagate.common.FailureKind;

/** A failure the gateway reports to the client itself (no upstream involved, or none available). */
public final class GatewayError extends RuntimeException {

    private final FailureKind kind;

    public GatewayError(FailureKind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public FailureKind kind() {
        return kind;
    }
}
