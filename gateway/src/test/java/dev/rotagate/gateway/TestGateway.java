package dev.rotagate.gateway;

import dev.rotagate.config.ConfigLoader;
import dev.rotagate.config.GatewayConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A gateway started in-process from YAML text, listening on a free loopback port. */
public final class TestGateway implements AutoCloseable {

    private final GatewayServer server;

    private TestGateway(GatewayServer server) {
        this.server = server;
    }

    /** The origins of these tests listen on loopback: the target policy allows them as an operator would. */
    public static final String LOOPBACK_TARGETS = "targets: { allow: [\"127.0.0.0/8\", \"::1\"] }\n";

    /**
     * {@code yaml} with {@link #LOOPBACK_TARGETS} (and {@code localhost} on {@code localhostPorts}) unless it has a
     * targets section of its own.
     */
    public static String allowingLoopback(String yaml, int... localhostPorts) {
        if (yaml.startsWith("targets:") || yaml.contains("\ntargets:")) {
            return yaml;
        }
        StringBuilder targets = new StringBuilder(LOOPBACK_TARGETS);
        for (int port : localhostPorts) {
            targets.insert(targets.lastIndexOf("]"), ", \"localhost:" + port + "\"");
        }
        return yaml + (yaml.endsWith("\n") ? "" : "\n") + targets;
    }

    public static TestGateway start(Vertx vertx, String yaml) throws Exception {
        GatewayConfig config = new ConfigLoader(System::getenv).parse(allowingLoopback(yaml), Path.of("test.yaml"));
        return new TestGateway(GatewayServer.start(vertx, config).await(10, TimeUnit.SECONDS));
    }

    /** A gateway with one pool {@code p} of the given upstream URLs, short timeouts, no auth. */
    public static TestGateway withUpstreams(Vertx vertx, String... urls) throws Exception {
        return start(vertx, "listen: 127.0.0.1:0\n"
                + "timeouts: { connect: 2s, handshake: 2s, response: 2s, idle: 30s }\n"
                + "pools:\n  p:\n    upstreams:\n" + list(urls));
    }

    public static String list(String... urls) {
        StringBuilder b = new StringBuilder();
        for (String u : urls) {
            b.append("      - \"").append(u).append("\"\n");
        }
        return b.toString();
    }

    public int port() {
        return server.port();
    }

    public GatewayServer server() {
        return server;
    }

    @Override
    public void close() throws Exception {
        server.close().await(10, TimeUnit.SECONDS);
    }
}
