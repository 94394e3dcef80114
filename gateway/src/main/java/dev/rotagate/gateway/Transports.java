package dev.rotagate.gateway;

import dev.rotagate.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.transport.Transport;

/**
 * Creates the Vert.x instance with the transport asked for. Vert.x falls back to NIO silently when epoll is
 * missing; here {@code transport: epoll} (or {@code io_uring}) refuses to start instead, and {@code auto} says what it
 * got. {@code auto} stays epoll: io_uring measured no better here (see bench/README.md).
 */
public final class Transports {

    private Transports() {
    }

    public static Vertx createVertx(ServerConfig server) {
        VertxBuilder builder = Vertx.builder().with(new VertxOptions());
        switch (server.transport()) {
            case EPOLL -> builder.withTransport(required(Transport.EPOLL, "epoll", "netty-transport-native-epoll"));
            case IO_URING -> builder.withTransport(required(Transport.IO_URING, "io_uring", "netty-transport-native-io_uring"));
            case NIO -> builder.withTransport(Transport.NIO);
            case AUTO -> {
                Transport epoll = Transport.EPOLL;
                builder.withTransport(epoll != null && epoll.available() ? epoll : Transport.NIO);
            }
        }
        return builder.build();
    }

    private static Transport required(Transport transport, String name, String artifact) {
        if (transport == null || !transport.available()) {
            Throwable cause = transport == null ? null : transport.unavailabilityCause();
            throw new IllegalStateException("server.transport is " + name + " but the native " + name
                    + " transport does not load" + (cause == null ? " (" + artifact + " missing)" : ": " + cause));
        }
        return transport;
    }

    /** What the instance runs on, for the start-up line: epoll, io_uring or nio. */
    public static String name(Vertx vertx) {
        String transport = ((VertxInternal) vertx).transport().getClass().getSimpleName();
        return transport.startsWith("Epoll") ? "epoll" : transport.startsWith("IoUring") ? "io_uring" : "nio";
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
