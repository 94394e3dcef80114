package dev.rotagate.config;

/**
 * Front-end settings. {@code transport}: auto (epoll when it loads), epoll (refuse to start without it) or nio.
 * {@code proxyProtocol}: expect a HAProxy PROXY header (v1/v2) on every client connection.
 * {@code eventLoops}: how many event loops accept and serve client connections (0: one per core).
 */
public record ServerConfig(Transport transport, boolean proxyProtocol, int maxRequestHead, int eventLoops) {

    public enum Transport { AUTO, EPOLL, NIO }

    /** {@code eventLoops} 0: one per core. */
    public static final ServerConfig DEFAULTS = new ServerConfig(Transport.AUTO, false, 32 * 1024, 0);
}
