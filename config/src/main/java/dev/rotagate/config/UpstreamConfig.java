package dev.rotagate.config;

import dev.rotagate.common.UpstreamUrl;
import java.util.List;

/** One upstream proxy of a pool as configured; the name defaults to host:port. */
public record UpstreamConfig(String name, UpstreamUrl url, int weight, List<String> tags) {

    public UpstreamConfig {
        tags = List.copyOf(tags);
    }

    public static String defaultName(UpstreamUrl url) {
        return url.scheme() == dev.rotagate.common.UpstreamScheme.DIRECT ? "direct" : url.address().toString();
    }
}
