package dev.rotagate.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The cluster-wide maps of the shared entries, one per {@link SharedKind}. */
final class SharedMaps {

    private final Map<SharedKind, AsyncMap<String, JsonObject>> maps;

    private SharedMaps(Map<SharedKind, AsyncMap<String, JsonObject>> maps) {
        this.maps = maps;
    }

    static Future<SharedMaps> open(Vertx vertx) {
        return byKind(kind -> vertx.sharedData().<String, JsonObject>getClusterWideMap(kind.address)).map(SharedMaps::new);
    }

    AsyncMap<String, JsonObject> of(SharedKind kind) {
        return maps.get(kind);
    }

    /** Every entry of every map now, by kind. */
    Future<Map<SharedKind, Map<String, JsonObject>>> read() {
        return byKind(kind -> maps.get(kind).entries());
    }

    /** {@code each} for every kind, at once; the results by kind once all are in. */
    private static <T> Future<Map<SharedKind, T>> byKind(Function<SharedKind, Future<T>> each) {
        SharedKind[] kinds = SharedKind.values();
        List<Future<T>> futures = Arrays.stream(kinds).map(each).toList();
        return Future.all(futures).map(all -> {
            Map<SharedKind, T> out = new EnumMap<>(SharedKind.class);
            for (int i = 0; i < kinds.length; i++) {
                out.put(kinds[i], all.resultAt(i));
            }
            return out;
        });
    }
}
