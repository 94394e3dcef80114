package dev.rotagate.gateway;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The shared entries this member follows now (made here or received), each with where it came from and when it was
 * made: the one place that orders a key's changes. A record older than the one held for its key is stale (a snapshot
 * read before a newer change arrived) and is not applied. The report counts what is held per kind and per origin, so
 * it stays small at 100,000 bans; the cluster's maps are the truth ({@code GET /api/cluster}).
 */
final class HeldEntries {

    /** {@code counted} is false for an enable: kept to order later records for its key, not shown as an entry. */
    private record Held(SharedKind kind, String fromAddress, long untilMillis, long atMillis, boolean counted) {
    }

    private static final int PURGE_EVERY = 1024;

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final AtomicInteger sincePurge = new AtomicInteger();
    private final LongSupplier clock;

    HeldEntries(LongSupplier clockMillis) {
        this.clock = clockMillis;
    }

    /**
     * Holds {@code record} for {@code key} unless a newer one (by its {@code at}) is held already; true when it is
     * held, i.e. should be applied. Its {@code until} (epoch millis) ends it; an enable ({@code enabled: true}) is
     * held but not counted.
     */
    boolean hold(SharedKind kind, String key, JsonObject record) {
        if (sincePurge.incrementAndGet() >= PURGE_EVERY) {
            sincePurge.set(0);
            purge(clock.getAsLong());
        }
        Held next = new Held(kind, record.getString("fromAddress", "?"), record.getLong("until", Long.MAX_VALUE),
                record.getLong("at", 0L), !record.getBoolean("enabled", false));
        Held kept = held.merge(kind + "|" + key, next, (old, now) -> old.atMillis() > now.atMillis() ? old : now);
        return kept == next;
    }

    /** {@code {"disabled": n, "bans": n, "sessions": n, "byOrigin": {address: {kind: n}}}}. */
    JsonObject json() {
        long now = clock.getAsLong();
        purge(now);
        JsonObject out = new JsonObject();
        JsonObject byOrigin = new JsonObject();
        for (SharedKind k : SharedKind.values()) {
            out.put(k.json(), 0);
        }
        for (Held h : held.values()) {
            if (!h.counted() || h.untilMillis() <= now) {
                continue;
            }
            String kind = h.kind().json();
            out.put(kind, out.getInteger(kind) + 1);
            JsonObject origin = byOrigin.getJsonObject(h.fromAddress());
            if (origin == null) {
                origin = new JsonObject();
                byOrigin.put(h.fromAddress(), origin);
            }
            origin.put(kind, origin.getInteger(kind, 0) + 1);
        }
        return out.put("byOrigin", byOrigin);
    }

    /** Forgets what ended (conditionally on the value: an entry refreshed meanwhile stays). */
    private void purge(long now) {
        held.forEach((key, h) -> {
            if (h.untilMillis() <= now) {
                held.remove(key, h);
            }
        });
    }
}
