package dev.rotagate.health;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** The report as JSON: the same document for {@code rotagate health --format json} and {@code GET /api/report}. */
public final class JsonRenderer {

    private JsonRenderer() {
    }

    public static JsonObject render(HealthReport report) {
        JsonArray upstreams = new JsonArray();
        for (UpstreamReport u : report.upstreams()) {
            upstreams.add(upstream(u));
        }
        return new JsonObject()
                .put("generatedAt", Instant.ofEpochMilli(report.generatedAtMillis()).toString())
                .put("summary", report.summary())
                .put("healthy", report.healthyCount())
                .put("total", report.upstreams().size())
                .put("pools", new JsonArray(report.pools()))
                .put("poolsDown", new JsonArray(report.downPools()))
                .put("exitCode", report.exitCode())
                .put("upstreams", upstreams);
    }

    public static JsonObject upstream(UpstreamReport u) {
        return new JsonObject()
                .put("pool", u.pool()).put("name", u.name()).put("url", u.url())
                .put("state", u.state()).put("reason", u.reason()).put("since", time(u.sinceMillis()))
                .put("breaker", u.breaker())
                .put("latencyMs", new JsonObject().put("last", num(u.latencyLastMs())).put("p50", num(u.latencyP50Ms()))
                        .put("p95", num(u.latencyP95Ms())))
                .put("exitIp", u.exitIp()).put("sharedExitIp", u.sharedExitIp())
                .put("lastCheck", time(u.lastCheckMillis())).put("lastError", u.lastError())
                .put("requests", u.requests()).put("failures", u.failures())
                .put("successRate", num(u.successRate())).put("inFlight", u.inFlight())
                .put("bytesIn", u.bytesIn()).put("bytesOut", u.bytesOut())
                .put("failuresByKind", new JsonObject(new java.util.LinkedHashMap<>(u.failuresByKind())))
                .put("activeBans", u.activeBans());
    }

    /** Reads back what {@link #render} wrote (for {@code rotagate health --admin URL}). */
    public static HealthReport parse(JsonObject json) {
        java.util.List<UpstreamReport> rows = new java.util.ArrayList<>();
        for (Object o : json.getJsonArray("upstreams", new JsonArray())) {
            JsonObject u = (JsonObject) o;
            JsonObject latency = u.getJsonObject("latencyMs", new JsonObject());
            java.util.Map<String, Long> byKind = new java.util.LinkedHashMap<>();
            u.getJsonObject("failuresByKind", new JsonObject()).forEach(e -> byKind.put(e.getKey(), ((Number) e.getValue()).longValue()));
            rows.add(new UpstreamReport(u.getString("pool"), u.getString("name"), u.getString("url"), u.getString("state"),
                    u.getString("reason"), millis(u.getString("since")), u.getString("breaker"),
                    dbl(latency.getValue("last")), dbl(latency.getValue("p50")), dbl(latency.getValue("p95")),
                    u.getString("exitIp"), u.getBoolean("sharedExitIp", false), millis(u.getString("lastCheck")),
                    u.getString("lastError"), u.getLong("requests", 0L), u.getLong("failures", 0L),
                    dbl(u.getValue("successRate")), u.getInteger("inFlight", 0), u.getLong("bytesIn", 0L),
                    u.getLong("bytesOut", 0L), byKind, u.getLong("activeBans", 0L)));
        }
        java.util.List<String> pools = json.getJsonArray("pools", new JsonArray()).stream().map(String::valueOf).toList();
        return new HealthReport(System.currentTimeMillis(), rows, pools);
    }

    private static long millis(String iso) {
        return iso == null ? 0 : Instant.parse(iso).toEpochMilli();
    }

    private static double dbl(Object v) {
        return v instanceof Number n ? n.doubleValue() : -1;
    }

    private static String time(long millis) {
        return millis == 0 ? null : Instant.ofEpochMilli(millis).toString();
    }

    private static Double num(double v) {
        return v < 0 ? null : Math.round(v * 10) / 10.0;
    }
}
