package dev.rotagate.gateway;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The shared entries this member follows now (made here or received), each with where it came from: what the report
 * says of the cluster without asking it. The cluster's maps are the truth ({@code GET /api/cluster}); this is the
 * member's own view, counted per kind and per origin so that the report stays small at 100,000 bans.
 */
final class HeldEntries {

    enum Kind { DISABLED, BANS, SESSIONS }

    private record Held(Kind kind, String fromAddress, long untilMillis) {
    }

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    HeldEntries(LongSupplier clockMillis) {
        this.clock = clockMillis;
    }

    /** {@code record}'s {@code until} (epoch millis) ends it; without one it stays until {@link #drop}. */
    void hold(Kind kind, String key, JsonObject record) {
        held.put(kind + "|" + key, new Held(kind, record.getString("fromAddress", "?"), record.getLong("until", Long.MAX_VALUE)));
    }

    void drop(Kind kind, String key) {
        held.remove(kind + "|" + key);
    }

    /** {@code {"disabled": n, "bans": n, "sessions": n, "byOrigin": {address: {kind: n}}}}; forgets what expired. */
    JsonObject json() {
        long now = clock.getAsLong();
        held.values().removeIf(h -> h.untilMillis() <= now);
        JsonObject out = new JsonObject();
        JsonObject byOrigin = new JsonObject();
        for (Kind k : Kind.values()) {
            out.put(name(k), 0);
        }
        for (Held h : held.values()) {
            out.put(name(h.kind()), out.getInteger(name(h.kind())) + 1);
            JsonObject origin = byOrigin.getJsonObject(h.fromAddress());
            if (origin == null) {
                origin = new JsonObject();
                byOrigin.put(h.fromAddress(), origin);
            }
            origin.put(name(h.kind()), origin.getInteger(name(h.kind()), 0) + 1);
        }
        return out.put("byOrigin", byOrigin);
    }

    private static String name(Kind k) {
        return k.name().toLowerCase(Locale.ROOT);
    }
}
