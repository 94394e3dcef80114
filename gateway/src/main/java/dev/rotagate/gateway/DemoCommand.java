package dev.rotagate.gateway;

import dev.rotagate.config.ServerConfig;
import dev.rotagate.gateway.demo.Demo;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rotagate demo}: rotation, sticky sessions, tag hints and failover on a machine without any upstream
 * proxy. Prints commands to paste into another terminal; Enter stops one upstream, to watch the failover.
 */
@Command(name = "demo", description = "Run a self-contained demo: an origin, three upstream proxies and the gateway.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--port", description = "the gateway's port (default: ${DEFAULT-VALUE}; 0: any free one)",
            defaultValue = "8080")
    int port;

    @Option(names = "--admin-port", description = "status page, API and /metrics (default: ${DEFAULT-VALUE})",
            defaultValue = "8081")
    int adminPort;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Vertx vertx = Transports.createVertx(ServerConfig.DEFAULTS);
        Demo demo;
        try {
            demo = Demo.start(vertx, port, adminPort).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            spec.commandLine().getErr().println("rotagate: demo cannot start: " + e.getMessage()
                    + " (another program on port " + port + " or " + adminPort + "? try --port 0 --admin-port 0)");
            return 1;
        }
        out.println();
        out.println("Rotagate demo: gateway on 127.0.0.1:" + demo.port() + " (HTTP, CONNECT, SOCKS5, SOCKS4), upstreams "
                + String.join(", ", Demo.upstreamNames()) + " (demo-c is a SOCKS5 proxy), origin on 127.0.0.1:"
                + demo.originPort());
        out.println("Status page: http://127.0.0.1:" + demo.adminPort() + "/");
        out.println();
        out.println("In another terminal:");
        String[] what = {"# per-request rotation: a different upstream for each request",
            "# a sticky session: the username carries -session-s1, every request leaves through one upstream",
            "# a tag hint: -tag-socks, only the SOCKS5 upstream", "# SOCKS5 to the gateway, chained through an upstream",
            "# the health report the status page shows"};
        for (int i = 0; i < what.length; i++) {
            out.println(what[i]);
            out.println(demo.commands().get(i));
        }
        out.println();
        out.println("Press Enter to stop demo-b and watch requests move to the others (Ctrl-C quits).");
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (in.readLine() != null) {
            demo.stopUpstream("demo-b").await(10, TimeUnit.SECONDS);
            out.println("demo-b stopped: run the first command again; the status page shows it EJECTED within seconds.");
            out.flush();
        }
        new CountDownLatch(1).await(); // runs until Ctrl-C, also without a terminal on stdin
        return 0;
    }
}
