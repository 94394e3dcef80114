package dev.rotagate.gateway.frontend;

import java.util.EnumSet;
import java.util.Set;

/**
 * The phases of one client connection. The legal transitions are data (as resilience4j keeps its breaker's):
 * {@link ClientConnection#enter} refuses any other, so a component that is not in charge cannot move the connection.
 */
public enum Phase {
    /** Waiting for the first byte, which tells the protocol. */
    DETECTING,
    /** A SOCKS greeting, authentication and command. */
    HANDSHAKE,
    /** Waiting for (or reading) an HTTP request head. */
    REQUEST_HEAD,
    /** One plain HTTP request and its response; the next request waits. */
    EXCHANGE,
    /** A byte stream: CONNECT, SOCKS, or an HTTP 101. First the upstream is opened, then bytes are relayed. */
    TUNNEL,
    /** The last answer is written; reading only discards; closed within a second. */
    CLOSING,
    /** Gone. */
    CLOSED;

    static {
        DETECTING.next = EnumSet.of(HANDSHAKE, REQUEST_HEAD, CLOSING, CLOSED);
        HANDSHAKE.next = EnumSet.of(TUNNEL, CLOSING, CLOSED);
        REQUEST_HEAD.next = EnumSet.of(EXCHANGE, TUNNEL, CLOSING, CLOSED);
        EXCHANGE.next = EnumSet.of(REQUEST_HEAD, TUNNEL, CLOSING, CLOSED);
        TUNNEL.next = EnumSet.of(TUNNEL, CLOSING, CLOSED);
        CLOSING.next = EnumSet.of(CLOSED);
        CLOSED.next = EnumSet.noneOf(Phase.class);
    }

    private Set<Phase> next;

    public boolean canGoTo(Phase target) {
        return next.contains(target);
    }

    /** Phases in which the client owes the gateway a request (the request deadline runs). */
    boolean awaitsRequest() {
        return this == DETECTING || this == HANDSHAKE || this == REQUEST_HEAD;
    }
}
