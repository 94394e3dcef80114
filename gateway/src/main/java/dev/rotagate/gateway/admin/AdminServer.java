package dev.rotagate.gateway.admin;

import dev.rotagate.config.AdminConfig;
import dev.rotagate.health.HealthReport;
import dev.rotagate.health.JsonRenderer;
import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.UpstreamPool;
import dev.rotagate.pool.resilience.DomainBans;
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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

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

        /** Tunnels (CONNECT, SOCKS, protocol switches) relaying now. */
        int tunnels();

        /** An operator disabled or enabled an upstream here: the other members of a cluster follow. */
        void announceEnabled(String pool, String upstream, boolean enabled);

        /** This member and the members it sees; null without a cluster. */
        JsonObject cluster();

        /** {@link #cluster()} and up to {@code limit} shared entries of each kind with their origin; null without a cluster. */
        Future<JsonObject> clusterEntries(int limit);
    }

    private static final int MAX_BANS_SHOWN = 5;

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
        router.get("/api/report").handler(rc -> json(rc, 200, report()));
        router.get("/api/sessions").handler(this::session);
        router.get("/api/config").handler(rc -> json(rc, 200, gateway.configStatus()));
        router.post("/api/upstreams/:name/disable").handler(rc -> setEnabled(rc, false));
        router.post("/api/upstreams/:name/enable").handler(rc -> setEnabled(rc, true));
        router.post("/api/bans").handler(this::ban);
        router.get("/api/cluster").handler(this::cluster);
        router.get("/metrics").handler(rc -> rc.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
        router.get("/").handler(rc -> rc.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-store").end(StatusPage.html()));
        server = vertx.createHttpServer();
        return server.requestHandler(router).listen(config.address().port(), config.address().host()).map(s -> this);
    }

    public int port() {
        return server.actualPort();
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    /**
     * The health report plus what the status page shows beside it, in one document: listeners, the config's generation
     * and last reload, traffic counters (the page turns them into rates), sessions per pool, bans in force.
     */
    private JsonObject report() {
        JsonObject pools = new JsonObject();
        JsonObject bans = new JsonObject();
        JsonObject tags = new JsonObject();
        // pools share one DomainBans: scan it once, and list each ban under the pools that have its upstream
        Map<DomainBans, Map<String, List<DomainBans.ActiveBan>>> scanned = new IdentityHashMap<>();
        for (UpstreamPool p : gateway.pools()) {
            Map<String, List<DomainBans.ActiveBan>> active = scanned.computeIfAbsent(p.bans(), DomainBans::active);
            for (Upstream u : p.upstreams()) {
                String key = p.name() + "/" + u.name();
                if (!u.tags().isEmpty()) {
                    tags.put(key, new JsonArray(u.tags()));
                }
                List<DomainBans.ActiveBan> list = active.get(u.name());
                if (list != null) {
                    bans.put(key, new JsonArray(list.stream().limit(MAX_BANS_SHOWN).map(b -> new JsonObject()
                            .put("domain", b.domain()).put("secondsLeft", b.secondsLeft())).toList()));
                }
            }
            pools.put(p.name(), new JsonObject().put("sessions", p.sessionCount())
                    .put("upstreams", p.upstreams().size()).put("eligible", p.states().eligibleCount()));
        }
        return JsonRenderer.render(gateway.report()).put("listeners", gateway.listeners())
                .put("config", gateway.configStatus()).put("traffic", metrics.traffic().put("tunnels", gateway.tunnels()))
                .put("poolStats", pools).put("bans", bans).put("tags", tags).put("cluster", gateway.cluster());
    }

    /**
     * {@code GET /api/cluster[?limit=N]}: the members, and the disables, bans and session moves they share with their
     * origin (1,000 of each kind unless {@code limit} says otherwise, up to 100,000; the totals always).
     */
    private void cluster(RoutingContext rc) {
        int limit;
        try {
            String asked = rc.request().getParam("limit");
            limit = asked == null ? 1_000 : Integer.parseInt(asked.trim());
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 0 || limit > 100_000) {
            json(rc, 400, new JsonObject().put("error", "expected ?limit=N with N from 0 to 100000"));
            return;
        }
        gateway.clusterEntries(limit).onComplete(ar -> {
            if (ar.failed()) {
                json(rc, 503, new JsonObject().put("error", "cannot read the cluster's shared state: " + ar.cause().getMessage()));
            } else if (ar.result() == null) {
                json(rc, 404, new JsonObject().put("error", "no cluster: this gateway runs alone (no cluster: section)"));
            } else {
                json(rc, 200, ar.result());
            }
        });
    }

    /** {@code GET /api/sessions?pool=P&id=S}: where session S of pool P goes (the first pool without {@code pool}). */
    private void session(RoutingContext rc) {
        String id = rc.request().getParam("id");
        String poolName = rc.request().getParam("pool");
        UpstreamPool pool = gateway.pools().stream().filter(p -> poolName == null || p.name().equals(poolName)).findFirst()
                .orElse(null);
        if (id == null || id.isBlank() || pool == null) {
            json(rc, 400, new JsonObject().put("error", "expected ?id=SESSION[&pool=POOL] naming a pool that exists"));
            return;
        }
        UpstreamPool.SessionPlace place = pool.whereIs(id.trim());
        json(rc, 200, new JsonObject().put("pool", pool.name()).put("session", id.trim())
                .put("upstream", place == null ? null : place.upstream().name())
                .put("pinned", place != null && place.pinned()));
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
            gateway.announceEnabled(m.pool().name(), u.name(), enable);
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
