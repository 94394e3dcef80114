package dev.rotagate.pool;

import dev.rotagate.common.UpstreamUrl;
import dev.rotagate.config.UpstreamConfig;
import java.util.List;
import java.util.stream.IntStream;

/** Upstreams for unit tests: u0, u1, … at 10.x addresses (nothing connects to them). */
public final class Upstreams {

    private Upstreams() {
    }

    public static Upstream of(String name, int weight, int maxConnections, String... tags) {
        return new Upstream(new UpstreamConfig(name, UpstreamUrl.parse("http://10.0." + (Math.abs(name.hashCode()) % 250)
                + ".1:3128"), weight, List.of(tags), maxConnections), maxConnections);
    }

    public static List<Upstream> named(int n) {
        return IntStream.range(0, n).mapToObj(i -> of("u" + i, 1, 0)).toList();
    }
}
