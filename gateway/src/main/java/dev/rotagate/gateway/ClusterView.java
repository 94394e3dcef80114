package dev.rotagate.gateway;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The cluster as the admin API shows it: the members, what this member follows ({@link HeldEntries}, for the report
 * and the status page), and every entry of the shared maps with the member it came from ({@code GET /api/cluster}).
 */
record ClusterView(HazelcastInstance hazelcast, String member, String address, HeldEntries held, SharedMaps maps) {

    /** This member, the members it sees (id, cluster address, whether it is this one). */
    JsonObject members() {
        JsonArray list = new JsonArray();
        hazelcast.getCluster().getMembers().forEach(m -> list.add(new JsonObject().put("id", m.getUuid().toString())
                .put("address", m.getAddress().getHost() + ":" + m.getAddress().getPort()).put("self", m.localMember())));
        return new JsonObject().put("member", member).put("address", address).put("members", list);
    }

    /** {@link #members()} plus the shared entries this member follows, counted per kind and per origin. */
    JsonObject report() {
        return members().put("held", held.json());
    }

    /**
     * {@link #members()} and the shared entries now in the cluster's maps, each with the member it came from: at most
     * {@code limit} of each kind, with each kind's total ({@code disabledTotal}, {@code bansTotal}, {@code sessionsTotal}).
     */
    Future<JsonObject> entries(int limit) {
        long now = System.currentTimeMillis();
        return maps.read().map(all -> {
            JsonObject out = members();
            all.forEach((kind, entries) -> put(out, kind.json(), entries, now, limit));
            return out;
        });
    }

    /** Up to {@code limit} of one kind's entries, and their total; enables are records, not entries. */
    private static void put(JsonObject out, String kind, Map<String, JsonObject> entries, long now, int limit) {
        Predicate<JsonObject> keep = e -> !e.getBoolean("enabled", false);
        JsonArray list = new JsonArray();
        long total = entries.values().stream().filter(keep).count();
        entries.values().stream().filter(keep).limit(limit).forEach(e -> {
            JsonObject row = e.copy();
            Long until = row.getLong("until");
            if (until != null) {
                row.remove("until");
                row.put("secondsLeft", Math.max(0, (until - now) / 1000));
            }
            list.add(row);
        });
        out.put(kind, list).put(kind + "Total", total);
    }
}
