package dev.rotagate.gateway;

import dev.rotagate.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;

/**
 * Creates the Vert.x instance with the transport asked for. Vert.x falls back to NIO silently when epoll is
 * missing; here {@code transport: epoll} refuses to start instead, and {@code auto} says what it got.
 */
public final class Transports {

    private Transports() {
    }

    public static Vertx createVertx(ServerConfig server) {
        VertxBuilder builder = Vertx.builder().with(new VertxOptions());
        switch (server.transport()) {
            case EPOLL -> {
                Transport epoll = Transport.EPOLL;
                if (epoll == null || !epoll.available()) {
                    Throwable cause = epoll == null ? null : epoll.unavailabilityCause();
                    throw new IllegalStateException("server.transport is epoll but the native epoll transport does not load"
                            + (cause == null ? " (netty-transport-native-epoll missing)" : ": " + cause));
                }
                builder.withTransport(epoll);
            }
            case NIO -> builder.withTransport(Transport.NIO);
            case AUTO -> {
                Transport epoll = Transport.EPOLL;
                builder.withTransport(epoll != null && epoll.available() ? epoll : Transport.NIO);
            }
        }
        return builder.build();
    }

    public static boolean haproxyCodecPresent() {
        try {
            Class.forName("io.netty.handler.codec.haproxy.HAProxyMessageDecoder");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
