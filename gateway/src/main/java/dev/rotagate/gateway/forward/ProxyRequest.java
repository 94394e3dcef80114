package dev.rotagate.gateway.forward;

import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.RoutingHints;
import dev.rotagate.gateway.admin.ListenerStats;

/**
 * What a client asked for, whatever protocol it spoke: the input of routing and dispatch. {@code listener}: the figures of
 * the listener it came in through.
 */
public record ProxyRequest(Protocol protocol, String client, RoutingHints hints, HostAndPort target,
                           ListenerStats listener) {

    /** Null {@code listener}: counted nowhere (tests, benchmarks). */
    public ProxyRequest(Protocol protocol, String client, RoutingHints hints, HostAndPort target) {
        this(protocol, client, hints, target, null);
    }

    public enum Protocol {
        HTTP("http"), CONNECT("connect"), SOCKS5("socks5"), SOCKS4("socks4");

        private final String text;

        Protocol(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    public String user() {
        return hints.user().isEmpty() ? "-" : hints.user();
    }
}
