package dev.rotagate.gateway.demo;

import dev.rotagate.config.ConfigLoader;
import dev.rotagate.config.GatewayConfig;
import dev.rotagate.gateway.GatewayServer;
import dev.rotagate.health.UpstreamReport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Everything {@code rotagate demo} runs in one process, on loopback: an origin, three upstream proxies and the
 * gateway in front of them with its admin listener and health checks. The upstreams are small Rotagate instances
 * going direct: {@code demo-a} and {@code demo-b} are spoken to as HTTP proxies, {@code demo-c} as a SOCKS5 proxy. The
 * front gateway names the upstream of every answer in {@code X-Rotagate-Upstream}, which the printed commands show.
 */
public final class Demo {

    /** The upstreams: name, scheme the front gateway uses, tag. */
    private record Member(String name, String scheme, String tag) {
    }

    private static final List<Member> MEMBERS = List.of(new Member("demo-a", "http", "http"),
            new Member("demo-b", "http", "http"), new Member("demo-c", "socks5", "socks"));
    private static final String LOOPBACK = "targets: { allow: [\"127.0.0.0/8\"] }\n";

    private final HttpServer origin;
    private final List<GatewayServer> upstreams;
    private final GatewayServer gateway;

    private Demo(HttpServer origin, List<GatewayServer> upstreams, GatewayServer gateway) {
        this.origin = origin;
        this.upstreams = upstreams;
        this.gateway = gateway;
    }

    /** Starts it all; {@code port}/{@code adminPort} 0 take free ports. */
    public static Future<Demo> start(Vertx vertx, int port, int adminPort) {
        return vertx.createHttpServer()
                .requestHandler(req -> req.response().putHeader("Content-Type", "text/plain")
                        .end("hello from the Rotagate demo origin (" + req.path() + ")\n"))
                .listen(0, "127.0.0.1")
                .compose(origin -> startUpstreams(vertx, 0, new ArrayList<>())
                        .compose(ups -> GatewayServer.start(vertx, frontConfig(port, adminPort, origin.actualPort(), ups))
                                .map(gw -> new Demo(origin, ups, gw))))
                .compose(demo -> demo.healthy(vertx));
    }

    /** Completes once every upstream passed its first probe: until then the gateway sends them nothing. */
    private Future<Demo> healthy(Vertx vertx) {
        Promise<Demo> ready = Promise.promise();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        vertx.setPeriodic(100, id -> {
            if (gateway.report().upstreams().stream().allMatch(UpstreamReport::healthy)) {
                vertx.cancelTimer(id);
                ready.tryComplete(this);
            } else if (System.nanoTime() - deadline > 0) {
                vertx.cancelTimer(id);
                ready.tryFail("the demo upstreams did not pass their first health probe within 15 s: "
                        + gateway.report().summary());
            }
        });
        return ready.future();
    }

    private static Future<List<GatewayServer>> startUpstreams(Vertx vertx, int index, List<GatewayServer> started) {
        if (index == MEMBERS.size()) {
            return Future.succeededFuture(started);
        }
        String yaml = "listen: 127.0.0.1:0\nlog: { access: off }\npools:\n  out:\n    upstreams: [ \"direct://\" ]\n" + LOOPBACK;
        return GatewayServer.start(vertx, parse(yaml)).compose(u -> {
            started.add(u);
            return startUpstreams(vertx, index + 1, started);
        });
    }

    private static GatewayConfig frontConfig(int port, int adminPort, int originPort, List<GatewayServer> ups) {
        StringBuilder yaml = new StringBuilder("listen: 127.0.0.1:" + port + "\nadmin: 127.0.0.1:" + adminPort + "\n")
                .append("health: { interval: 1s, timeout: 1s, target: \"http://127.0.0.1:").append(originPort)
                .append("/health\", rise: 1, fall: 1 }\n")
                .append("pools:\n  demo:\n    upstreams:\n");
        for (int i = 0; i < MEMBERS.size(); i++) {
            Member m = MEMBERS.get(i);
            yaml.append("      - { url: \"").append(m.scheme()).append("://127.0.0.1:").append(ups.get(i).port())
                    .append("\", name: ").append(m.name()).append(", tags: [").append(m.tag()).append("] }\n");
        }
        return parse(yaml.append(LOOPBACK).toString());
    }

    private static GatewayConfig parse(String yaml) {
        try {
            return new ConfigLoader(System::getenv).parse(yaml, Path.of("demo.yaml"));
        } catch (Exception e) {
            throw new IllegalStateException("demo config: " + e.getMessage(), e);
        }
    }

    public int port() {
        return gateway.port();
    }

    /** The front gateway, for its report. */
    public GatewayServer gateway() {
        return gateway;
    }

    public int adminPort() {
        return gateway.adminPort();
    }

    public int originPort() {
        return origin.actualPort();
    }

    /** The upstream names, in config order. */
    public static List<String> upstreamNames() {
        return MEMBERS.stream().map(Member::name).toList();
    }

    /** Stops upstream {@code name} as if its machine went away: the gateway's health checks and retries take over. */
    public Future<Void> stopUpstream(String name) {
        int i = upstreamNames().indexOf(name);
        if (i < 0) {
            return Future.failedFuture(new IllegalArgumentException("no demo upstream " + name));
        }
        return upstreams.get(i).close();
    }

    /** The commands a person pastes to see rotation, a sticky session, a tag hint and the report. */
    public List<String> commands() {
        String url = "http://127.0.0.1:" + originPort() + "/";
        String show = "curl -s -o /dev/null -w '%header{x-rotagate-upstream}\\n'";
        return List.of(
                "for i in 1 2 3 4 5 6; do " + show + " -x http://127.0.0.1:" + port() + " " + url + "; done",
                "for i in 1 2 3 4; do " + show + " -x http://demo-session-s1:x@127.0.0.1:" + port() + " " + url + "; done",
                "for i in 1 2 3; do " + show + " -x http://demo-tag-socks:x@127.0.0.1:" + port() + " " + url + "; done",
                "curl -s --socks5-hostname 127.0.0.1:" + port() + " " + url,
                "curl -s http://127.0.0.1:" + adminPort() + "/api/report | head -c 600; echo");
    }

    public Future<Void> close() {
        List<Future<Void>> all = new ArrayList<>();
        all.add(gateway.close());
        upstreams.forEach(u -> all.add(u.close()));
        all.add(origin.close());
        return Future.join(all).mapEmpty();
    }
}
