package dev.rotagate.gateway;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * The kinds of entry a cluster shares, each in its own cluster-wide map, published on the event-bus address of the
 * same name, keyed by two of its record's fields.
 */
enum SharedKind {
    DISABLED("rotagate.cluster.disables", "pool", "upstream", "/"),
    BANS("rotagate.cluster.bans", "upstream", "domain", "|"),
    SESSIONS("rotagate.cluster.sessions", "pool", "session", "|");

    /** The map's name and the event-bus address. */
    final String address;
    private final String first;
    private final String second;
    private final String separator;

    SharedKind(String address, String first, String second, String separator) {
        this.address = address;
        this.first = first;
        this.second = second;
        this.separator = separator;
    }

    /** The record's key in its map (and in {@link HeldEntries}): {@code pool/upstream}, {@code upstream|domain}, {@code pool|session}. */
    String key(JsonObject record) {
        return record.getString(first) + separator + record.getString(second);
    }

    /** Its name in JSON: {@code disabled}, {@code bans}, {@code sessions}. */
    String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
