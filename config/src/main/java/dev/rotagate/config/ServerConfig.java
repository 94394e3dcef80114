package dev.rotagate.config;

/**
 * Front-end settings. {@code transport}: auto (epoll when it loads), epoll (refuse to start without it) or nio.
 * {@code proxyProtocol}: expect a HAProxy PROXY header (v1/v2) on every client connection.
 */
public record ServerConfig(Transport transport, boolean proxyProtocol, int maxRequestHead) {

    public enum Transport { AUTO, EPOLL, NIO }

    public static final ServerConfig DEFAULTS = new ServerConfig(Transport.AUTO, false, 32 * 1024);
}
