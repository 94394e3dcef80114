package dev.rotagate.config;

import dev.rotagate.common.HostAndPort;
import java.util.List;

/**
 * One entry of {@code listen}: an address with one port or a range of ports, each speaking HTTP, CONNECT, SOCKS5
 * and SOCKS4, and what it fixes for the clients that arrive on it. {@code session: port} makes each port its own
 * sticky session; {@code user} makes every client that user without asking for credentials; {@code pool} and
 * {@code tags} fix the routing. A plain {@code HOST:PORT} entry fixes nothing. {@code name} labels its metrics.
 */
public record ListenerConfig(String name, String host, int firstPort, int lastPort, boolean sessionPerPort,
                             String user, String pool, List<String> tags) {

    public ListenerConfig {
        tags = List.copyOf(tags);
    }

    /** A listener that fixes nothing: the main port, as {@code listen: HOST:PORT} has always been. */
    public static ListenerConfig plain(HostAndPort address) {
        return new ListenerConfig(address.toString(), address.host(), address.port(), address.port(), false, null, null,
                List.of());
    }

    /** The first (or only) address. */
    public HostAndPort address() {
        return HostAndPort.of(host, firstPort);
    }

    public int portCount() {
        return lastPort - firstPort + 1;
    }

    public boolean isRange() {
        return lastPort != firstPort;
    }

    /** The session a connection on {@code port} belongs to: the same port, the same session, on every gateway. */
    public String sessionFor(int port) {
        return "port" + port;
    }

    /** Routing or identity fixed by the listener, rather than asked of the client. */
    public boolean fixesAnything() {
        return sessionPerPort || user != null || pool != null || !tags.isEmpty();
    }

    /** Where a listener listens: what identifies it across reloads, whatever it fixes. */
    public record Where(String host, int firstPort, int lastPort) {
    }

    public Where where() {
        return new Where(host, firstPort, lastPort);
    }

    /** Listens where {@code other} does (same host and ports): the same listener across a reload, whatever it fixes. */
    public boolean sameAddress(ListenerConfig other) {
        return where().equals(other.where());
    }

    /** The ports of {@code other} on the same host (or either on a wildcard address) that this one also binds. */
    public boolean overlaps(ListenerConfig other) {
        boolean sameHost = host.equals(other.host) || isWildcard(host) || isWildcard(other.host);
        return sameHost && firstPort != 0 && firstPort <= other.lastPort && other.firstPort <= lastPort;
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    /** For logs and the report: {@code 127.0.0.1:10000-10099}. */
    public String describe() {
        return HostAndPort.of(host, firstPort) + (isRange() ? "-" + lastPort : "");
    }
}
