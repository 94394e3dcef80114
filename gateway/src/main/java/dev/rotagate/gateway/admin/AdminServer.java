package dev.rotagate.gateway.admin;

import dev.rotagate.config.AdminConfig;
import dev.rotagate.health.HealthReport;
import dev.rotagate.health.JsonRenderer;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.UpstreamPool;
import dev.rotagate.pool.resilience.UpstreamState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator's listener: {@code /healthz}, {@code /readyz}, the JSON API, {@code /metrics} and the status page.
 * With {@code admin.token} everything but {@code /healthz} and {@code /readyz} needs the token — reads too, since
 * the report names every upstream: {@code Authorization: Bearer <token>}, or HTTP Basic with the token as the
 * password (what a browser asks for on the status page).
 */
public final class AdminServer {

    /** What the admin API reads and changes; implemented by the gateway. */
    public interface Gateway {
        List<UpstreamPool> pools();

        HealthReport report();

        /** The state a re-enabled upstream goes to (PROBING when probes must pass first). */
        UpstreamState enabledState();

        JsonObject configStatus();

        /** The gateway is stopping: not ready for new work. */
        boolean draining();

        /** Each listener: its config, bound ports and figures. */
        JsonArray listeners();
    }

    private final Vertx vertx;
    private final AdminConfig config;
    private final Gateway gateway;
    private final GatewayMetrics metrics;
    private HttpServer server;

    public AdminServer(Vertx vertx, AdminConfig config, Gateway gateway, GatewayMetrics metrics) {
        this.vertx = vertx;
        this.config = config;
        this.gateway = gateway;
        this.metrics = metrics;
    }

    public Future<AdminServer> start() {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create().setBodyLimit(64 * 1024));
        router.get("/healthz").handler(rc -> rc.response().putHeader("Content-Type", "text/plain").end("ok\n"));
        router.get("/readyz").handler(this::ready);
        router.route().handler(this::checkToken); // after the probes' routes: everything below needs the token
        router.get("/api/upstreams").handler(rc -> json(rc, 200, new JsonArray(
                gateway.report().upstreams().stream().map(JsonRenderer::upstream).toList())));
        router.get("/api/report").handler(rc -> json(rc, 200, JsonRenderer.render(gateway.report())
                .put("listeners", gateway.listeners())));
        router.get("/api/config").handler(rc -> json(rc, 200, gateway.configStatus()));
        router.post("/api/upstreams/:name/disable").handler(rc -> setEnabled(rc, false));
        router.post("/api/upstreams/:name/enable").handler(rc -> setEnabled(rc, true));
        router.post("/api/bans").handler(this::ban);
        router.get("/metrics").handler(rc -> rc.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
        router.get("/").handler(rc -> rc.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .end(StatusPage.render(gateway.report())));
        server = vertx.createHttpServer();
        return server.requestHandler(router).listen(config.address().port(), config.address().host()).map(s -> this);
    }

    public int port() {
        return server.actualPort();
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private void checkToken(RoutingContext rc) {
        if (config.token() == null || AdminToken.matches(config.token(), rc.request().getHeader("Authorization"))) {
            rc.next();
            return;
        }
        rc.response().putHeader("WWW-Authenticate", "Basic realm=\"rotagate-admin\", charset=\"UTF-8\"");
        json(rc, 401, new JsonObject().put("error", "this needs Authorization: Bearer <admin.token>"
                + " (or Basic with the token as the password)"));
    }

    private void ready(RoutingContext rc) {
        if (gateway.draining()) {
            json(rc, 503, new JsonObject().put("ready", false).put("draining", true));
            return;
        }
        List<String> down = new ArrayList<>();
        for (UpstreamPool pool : gateway.pools()) {
            if (pool.states().eligibleCount() == 0) {
                down.add(pool.name());
            }
        }
        json(rc, down.isEmpty() ? 200 : 503, new JsonObject().put("ready", down.isEmpty()).put("poolsWithoutUpstream", new JsonArray(down)));
    }

    /** {@code name} or {@code pool/name}; a bare name changes it in every pool that has it. */
    private void setEnabled(RoutingContext rc, boolean enable) {
        String name = rc.pathParam("name");
        List<Member> found = find(name);
        if (found.isEmpty()) {
            json(rc, 404, new JsonObject().put("error", "no upstream named '" + name + "'"));
            return;
        }
        JsonArray changed = new JsonArray();
        for (Member m : found) {
            Upstream u = m.upstream();
            if (!enable) {
                m.pool().states().transition(u, UpstreamState.DISABLED, "disabled through the admin API");
            } else if (u.health().state() == UpstreamState.DISABLED) {
                m.pool().states().transition(u, gateway.enabledState(), "enabled through the admin API");
            }
            changed.add(new JsonObject().put("pool", m.pool().name()).put("name", u.name()).put("state", u.health().state().name()));
        }
        json(rc, 200, new JsonObject().put("upstreams", changed));
    }

    private void ban(RoutingContext rc) {
        JsonObject body;
        try {
            body = rc.body().asJsonObject();
        } catch (DecodeException e) {
            body = null;
        }
        String name = body == null ? null : body.getString("upstream");
        String domain = body == null ? null : body.getString("domain");
        if (name == null || domain == null || domain.isBlank()) {
            json(rc, 400, new JsonObject().put("error", "expected a JSON body {\"upstream\": NAME, \"domain\": DOMAIN}"));
            return;
        }
        List<Member> found = find(name);
        if (found.isEmpty()) {
            json(rc, 404, new JsonObject().put("error", "no upstream named '" + name + "'"));
            return;
        }
        long cooldown = 0;
        for (Member m : found) {
            cooldown = m.pool().bans().ban(m.upstream(), domain.trim());
        }
        json(rc, 200, new JsonObject().put("upstream", name).put("domain", domain.trim()).put("cooldownSeconds", cooldown / 1_000_000_000L));
    }

    /** An upstream and the pool it was found in. */
    private record Member(UpstreamPool pool, Upstream upstream) {
    }

    private List<Member> find(String name) {
        String pool = name.contains("/") ? name.substring(0, name.indexOf('/')) : null;
        String upstream = pool == null ? name : name.substring(name.indexOf('/') + 1);
        List<Member> found = new ArrayList<>();
        for (UpstreamPool p : gateway.pools()) {
            Upstream u = p.upstream(upstream);
            if (u != null && (pool == null || pool.equals(p.name()))) {
                found.add(new Member(p, u));
            }
        }
        return found;
    }

    private static void json(RoutingContext rc, int status, Object body) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(body instanceof JsonObject o ? o.encodePrettily() : ((JsonArray) body).encodePrettily());
    }
}
