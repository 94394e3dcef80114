package dev.rotagate.gateway;

import dev.rotagate.config.ConfigProblem;
import dev.rotagate.config.GatewayConfig;
import dev.rotagate.gateway.admin.GatewayMetrics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /api/config} says: the config in force (its generation counts applied loads from 1), and how the
 * last reload went — with the located problems of a rejected one.
 */
final class ReloadStatus {

    private final GatewayMetrics metrics;
    private volatile JsonObject status;

    ReloadStatus(GatewayConfig started, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.status = new JsonObject().put("source", String.valueOf(started.source())).put("generation", 1)
                .put("loadedAt", Instant.now().toString()).put("lastReload", null).put("status", "ok")
                .put("skippedLines", problems(started.skippedLines()));
        metrics.configReload(true);
    }

    void applied(GatewayConfig config, List<String> changes, List<String> needRestart) {
        status = status.copy().put("generation", status.getInteger("generation", 1) + 1)
                .put("loadedAt", Instant.now().toString()).put("status", "ok")
                .put("lastReload", new JsonObject().put("at", Instant.now().toString()).put("result", "applied")
                        .put("changes", new JsonArray(changes)).put("needRestart", new JsonArray(needRestart)))
                .put("skippedLines", problems(config.skippedLines()));
        metrics.configReload(true);
    }

    void rejected(List<ConfigProblem> problems) {
        status = status.copy().put("status", "invalid edit ignored: the last good config is running")
                .put("lastReload", new JsonObject().put("at", Instant.now().toString()).put("result", "rejected")
                        .put("problems", problems(problems)));
        metrics.configReload(false);
    }

    JsonObject json() {
        return status;
    }

    private static JsonArray problems(List<ConfigProblem> problems) {
        return new JsonArray(problems.stream().map(ConfigProblem::toString).toList());
    }
}
