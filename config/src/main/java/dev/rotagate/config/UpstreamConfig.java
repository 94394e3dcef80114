package dev.rotagate.config;

import dev.rotagate.common.UpstreamScheme;
import dev.rotagate.common.UpstreamUrl;
import java.util.List;

/**
 * One upstream proxy of a pool as configured; the name defaults to host:port. {@code maxConnections} is the
 * effective cap (the upstream's own, else its pool's; 0 = unlimited).
 */
public record UpstreamConfig(String name, UpstreamUrl url, int weight, List<String> tags, int maxConnections) {

    public UpstreamConfig {
        tags = List.copyOf(tags);
    }

    public UpstreamConfig(String name, UpstreamUrl url, int weight, List<String> tags) {
        this(name, url, weight, tags, 0);
    }

    public static String defaultName(UpstreamUrl url) {
        return url.scheme() == UpstreamScheme.DIRECT ? "direct" : url.address().toString();
    }
}
