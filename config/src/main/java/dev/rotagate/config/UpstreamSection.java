package dev.rotagate.config;

import dev.rotagate.common.UpstreamScheme;
import dev.rotagate.common.UpstreamUrl;
import dev.rotagate.config.internal.YamlNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The upstream items of a pool ({@code pools.NAME.upstreams}) and the pool-wide defaults they inherit: connection
 * cap, how plain HTTP travels ({@code tunnel}) and how an {@code https://} upstream's certificate is checked.
 */
final class UpstreamSection {

    static final List<String> POOL_DEFAULT_KEYS = List.of("tunnel", "ca-file", "insecure");
    private static final List<String> UPSTREAM_KEYS = List.of("url", "name", "weight", "tags", "max-connections",
            "tunnel", "ca-file", "insecure");

    /** What a pool gives each of its upstreams unless the upstream says otherwise. */
    record PoolDefaults(int maxConnections, UpstreamConfig.Tls tls, boolean tunnelAlways) {

        /** Applies to upstreams whose config names nothing of their own: those read from list files. */
        UpstreamConfig applyTo(UpstreamConfig u) {
            UpstreamConfig.Tls t = u.url().scheme() == UpstreamScheme.HTTPS ? tls : UpstreamConfig.Tls.VERIFIED;
            return new UpstreamConfig(u.name(), u.url(), u.weight(), u.tags(), u.maxConnections(), t, tunnelAlways);
        }
    }

    private final Path base;

    /** @param configFile relative {@code ca-file} paths are read from its directory */
    UpstreamSection(Path configFile) {
        Path parent = configFile.toAbsolutePath().getParent();
        this.base = parent == null ? Path.of("") : parent;
    }

    PoolDefaults poolDefaults(Map<String, YamlNode> pool, int maxConnections) {
        boolean tunnel = pool.containsKey("tunnel") && tunnelAlways(pool.get("tunnel"));
        Path caFile = pool.containsKey("ca-file") ? caFile(pool.get("ca-file")) : null;
        boolean insecure = pool.containsKey("insecure") && pool.get("insecure").bool().orElse(false);
        return new PoolDefaults(maxConnections, new UpstreamConfig.Tls(caFile, insecure), tunnel);
    }

    List<UpstreamConfig> upstreams(YamlNode node, PoolDefaults defaults) {
        List<UpstreamConfig> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> urls = new HashSet<>();
        for (YamlNode u : node.items()) {
            UpstreamConfig c = u.isScalar() ? fromText(u, defaults) : fromMap(u, defaults);
            if (c == null) {
                continue;
            }
            if (!names.add(c.name())) {
                u.problems("duplicate upstream name '" + c.name() + "' in this pool (set name: to tell them apart)");
            } else if (!urls.add(c.url().toUnmaskedString())) {
                u.problems("duplicate upstream " + c.url());
            } else {
                out.add(c);
            }
        }
        return out;
    }

    private UpstreamConfig fromText(YamlNode u, PoolDefaults defaults) {
        return u.parsed(UpstreamUrl::parse)
                .map(url -> defaults.applyTo(new UpstreamConfig(UpstreamConfig.defaultName(url), url, 1, List.of(),
                        defaults.maxConnections())))
                .orElse(null);
    }

    private UpstreamConfig fromMap(YamlNode u, PoolDefaults defaults) {
        Map<String, YamlNode> m = u.entries(UPSTREAM_KEYS);
        if (!m.containsKey("url")) {
            u.problems("url: missing (expected: { url: http://host:port, name: ..., weight: ..., tags: [...] })");
            return null;
        }
        UpstreamUrl url = m.get("url").parsed(UpstreamUrl::parse).orElse(null);
        String name = m.containsKey("name") ? m.get("name").text().orElse(null) : null;
        if (name != null && !Names.ENDPOINT.matcher(name).matches()) {
            m.get("name").problems("upstream name '" + name + "' may only use A-Z a-z 0-9 _ . : -");
            name = null;
        }
        int weight = m.containsKey("weight") ? m.get("weight").integer(1, 1000).orElse(1) : 1;
        List<String> tags = m.containsKey("tags") ? Names.tags(m.get("tags")) : List.of();
        int maxConnections = m.containsKey("max-connections")
                ? m.get("max-connections").integer(0, 1_000_000).orElse(defaults.maxConnections()) : defaults.maxConnections();
        boolean tunnel = m.containsKey("tunnel") ? tunnelAlways(m.get("tunnel")) : defaults.tunnelAlways();
        if (url == null) {
            return null;
        }
        UpstreamConfig.Tls tls = tls(m, url, defaults.tls());
        return new UpstreamConfig(name != null ? name : UpstreamConfig.defaultName(url), url, weight, tags, maxConnections,
                tls, tunnel);
    }

    /** The upstream's own {@code ca-file}/{@code insecure}, else the pool's; only https:// upstreams have any. */
    private UpstreamConfig.Tls tls(Map<String, YamlNode> m, UpstreamUrl url, UpstreamConfig.Tls pool) {
        boolean https = url.scheme() == UpstreamScheme.HTTPS;
        for (String key : List.of("ca-file", "insecure")) {
            if (m.containsKey(key) && !https) {
                m.get(key).problems(key + " applies to https:// upstreams only (this one is " + url.scheme().text() + "://)");
            }
        }
        if (!https) {
            return UpstreamConfig.Tls.VERIFIED;
        }
        Path caFile = m.containsKey("ca-file") ? caFile(m.get("ca-file")) : pool.caFile();
        boolean insecure = m.containsKey("insecure") ? m.get("insecure").bool().orElse(false) : pool.insecure();
        if (insecure && m.containsKey("ca-file")) {
            m.get("ca-file").problems("ca-file and insecure: true contradict each other (insecure checks no certificate)");
        }
        return new UpstreamConfig.Tls(caFile, insecure);
    }

    private static boolean tunnelAlways(YamlNode node) {
        Optional<String> value = node.text().map(t -> t.trim().toLowerCase(Locale.ROOT));
        if (value.isPresent() && !value.get().equals("always") && !value.get().equals("auto")) {
            node.problems("tunnel: '" + value.get() + "' (expected: always, or auto: plain HTTP in absolute form to"
                    + " http:// and https:// upstreams)");
        }
        return value.map("always"::equals).orElse(false);
    }

    /** A readable file of PEM certificates, relative to the config file; null (with a problem) otherwise. */
    private Path caFile(YamlNode node) {
        String text = node.text().orElse(null);
        if (text == null) {
            return null;
        }
        Path path = base.resolve(text.trim()).normalize();
        try (InputStream in = Files.newInputStream(path)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                node.problems("ca-file " + path + " holds no certificate (expected: PEM, -----BEGIN CERTIFICATE-----)");
                return null;
            }
            return path;
        } catch (IOException e) {
            node.problems("ca-file " + path + " cannot be read (" + e.getClass().getSimpleName() + ")");
        } catch (CertificateException e) {
            node.problems("ca-file " + path + " is not a PEM certificate file (" + e.getMessage() + ")");
        }
        return null;
    }
}
