package dev.rotagate.config;

import dev.rotagate.common.UpstreamScheme;
import dev.rotagate.common.UpstreamUrl;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One upstream proxy of a pool as configured; the name defaults to host:port. {@code maxConnections} is the
 * effective cap (the upstream's own, else its pool's; 0 = unlimited). {@code tls} applies to {@code https://}
 * upstreams; {@code tunnelAlways} sends plain HTTP through a CONNECT tunnel instead of in absolute form.
 */
public record UpstreamConfig(String name, UpstreamUrl url, int weight, List<String> tags, int maxConnections, Tls tls,
                             boolean tunnelAlways) {

    /**
     * How an {@code https://} upstream's certificate is checked: against the JDK's trust store, or the PEM
     * certificates in {@code caFile}; {@code insecure} checks nothing (an explicit opt-out, warned about at start).
     */
    public record Tls(Path caFile, boolean insecure) {
        public static final Tls VERIFIED = new Tls(null, false);
    }

    public UpstreamConfig {
        tags = List.copyOf(tags);
        Objects.requireNonNull(tls, "tls");
    }

    public UpstreamConfig(String name, UpstreamUrl url, int weight, List<String> tags, int maxConnections) {
        this(name, url, weight, tags, maxConnections, Tls.VERIFIED, false);
    }

    public UpstreamConfig(String name, UpstreamUrl url, int weight, List<String> tags) {
        this(name, url, weight, tags, 0);
    }

    public UpstreamConfig withTunnelAlways(boolean always) {
        return always == tunnelAlways ? this : new UpstreamConfig(name, url, weight, tags, maxConnections, tls, always);
    }

    /** Plain HTTP goes to this upstream in absolute form (an HTTP proxy not told to tunnel everything). */
    public boolean absoluteForm() {
        return url.scheme().isHttpProxy() && !tunnelAlways;
    }

    public static String defaultName(UpstreamUrl url) {
        return url.scheme() == UpstreamScheme.DIRECT ? "direct" : url.address().toString();
    }
}
