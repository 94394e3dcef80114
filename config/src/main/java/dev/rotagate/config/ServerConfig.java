package dev.rotagate.config;

import dev.rotagate.common.Cidr;
import java.time.Duration;
import java.util.List;

/**
 * Front-end settings. {@code transport}: auto (epoll when it loads), epoll or io_uring (refuse to start without it) or nio.
 * {@code proxyProtocol}: expect a HAProxy PROXY header (v1/v2) on every client connection; {@code proxyProtocolFrom}:
 * the peers allowed to send one (empty: any), connections from others are closed at once.
 * {@code eventLoops}: how many event loops accept and serve client connections (0: one per core).
 * {@code maxConnections}: client connections at once (0: unlimited); {@code drainTimeout}: how long SIGTERM waits for
 * requests and tunnels in flight.
 */
public record ServerConfig(Transport transport, boolean proxyProtocol, int maxRequestHead, int eventLoops,
                           int maxConnections, Duration drainTimeout, ErrorDetail errorDetail, List<Cidr> proxyProtocolFrom) {

    public enum Transport { AUTO, EPOLL, IO_URING, NIO }

    /** What error bodies say about an upstream: its name only, or its URL with the password masked. */
    public enum ErrorDetail { NAME, FULL }

    /** {@code eventLoops} 0: one per core; {@code maxConnections} 0: unlimited. */
    public static final ServerConfig DEFAULTS = new ServerConfig(Transport.AUTO, false, 32 * 1024, 0, 0,
            Duration.ofSeconds(30), ErrorDetail.NAME);

    public ServerConfig {
        proxyProtocolFrom = List.copyOf(proxyProtocolFrom);
    }

    public ServerConfig(Transport transport, boolean proxyProtocol, int maxRequestHead, int eventLoops, int maxConnections,
                        Duration drainTimeout, ErrorDetail errorDetail) {
        this(transport, proxyProtocol, maxRequestHead, eventLoops, maxConnections, drainTimeout, errorDetail, List.of());
    }

    /** PROXY headers are read from any peer: the client address they carry can be anyone's claim. */
    public boolean trustsProxyHeadersFromAnyPeer() {
        return proxyProtocol && proxyProtocolFrom.isEmpty();
    }

    public boolean fullErrorDetail() {
        return errorDetail == ErrorDetail.FULL;
    }
}
