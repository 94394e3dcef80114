package dev.rotagate.gateway.interop;

import dev.rotagate.config.ConfigException;
import dev.rotagate.config.ConfigLoader;
import dev.rotagate.config.GatewayConfig;
import dev.rotagate.config.ServerConfig;
import dev.rotagate.gateway.GatewayServer;
import dev.rotagate.gateway.TestGateway;
import dev.rotagate.gateway.Transports;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What one interop test class shares: a temp directory, the origin server, the real daemons it started and the
 * in-process gateways in front of them. Create it in {@code @BeforeAll}, close it in {@code @AfterAll}.
 */
final class InteropFixture implements AutoCloseable {

    /** Short so that a test against a dead upstream would show the difference; long enough for a busy CI. */
    static final String TIMEOUTS = "timeouts: { connect: 5s, handshake: 5s, response: 15s, idle: 1m }";

    private final Path root;
    private final Path clients;
    private final OriginServer origin;
    private final RealProxies proxies;
    private final Vertx vertx;
    private final List<GatewayServer> gateways = new ArrayList<>();

    private InteropFixture(Path root) throws IOException {
        this.root = root;
        this.clients = Files.createDirectory(root.resolve("clients"));
        this.proxies = new RealProxies(root);
        this.origin = OriginServer.start();
        this.vertx = Transports.createVertx(ServerConfig.DEFAULTS);
    }

    static InteropFixture start() {
        Interop.enabled();
        try {
            Path root = Files.createTempDirectory("rotagate-interop-");
            // daemons that drop root (squid, dante) must be able to reach their directories below
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            return new InteropFixture(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the interop temp directory", e);
        }
    }

    OriginServer origin() {
        return origin;
    }

    RealProxies proxies() {
        return proxies;
    }

    /** Where clients run and write their output and scripts. */
    Path clientDir() {
        return clients;
    }

    /**
     * Starts a gateway on a free loopback port with one pool {@code p} holding {@code upstreams} (each a YAML flow
     * item: {@code "socks5h://127.0.0.1:1080"} or {@code { url: "...", name: sq1 }}), plus any extra top-level YAML.
     */
    GatewayServer gateway(List<String> upstreams, String... extraYaml) {
        StringBuilder yaml = new StringBuilder("listen: 127.0.0.1:0\npools:\n  p:\n    upstreams:\n");
        upstreams.forEach(u -> yaml.append("      - ").append(u).append('\n'));
        yaml.append(TIMEOUTS).append('\n');
        for (String extra : extraYaml) {
            yaml.append(extra).append('\n');
        }
        return gateway(yaml.toString());
    }

    /**
     * Starts a gateway from a complete YAML config: several pools, strategies, weights, tags, routes. It should
     * say {@code listen: 127.0.0.1:0} (a free loopback port) and usually {@link #TIMEOUTS}.
     */
    GatewayServer gateway(String yaml) {
        GatewayConfig config;
        try {
            config = new ConfigLoader(System::getenv).parse(TestGateway.allowingLoopback(yaml, origin().port()),
                    Path.of("interop.yaml"));
        } catch (ConfigException e) {
            throw new IllegalStateException("interop gateway config refused: " + e.getMessage() + "\n" + yaml, e);
        }
        try {
            GatewayServer gateway = GatewayServer.start(vertx, config).await(10, TimeUnit.SECONDS);
            gateways.add(gateway);
            return gateway;
        } catch (Exception e) {
            throw new IllegalStateException("gateway did not start:\n" + yaml, e);
        }
    }

    /** A YAML upstream item with an explicit name. */
    static String named(String url, String name) {
        return "{ url: \"" + url + "\", name: " + name + " }";
    }

    @Override
    public void close() {
        try {
            for (GatewayServer g : gateways) {
                g.close().await(10, TimeUnit.SECONDS);
            }
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("gateway did not close", e);
        } finally {
            proxies.stopAll();
            origin.close();
            ProxyProcess.deleteTree(root);
        }
    }
}
