package dev.rotagate.config;

import dev.rotagate.common.HostAndPort;
import dev.rotagate.config.internal.YamlNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code cluster:} — absent: no cluster, and nothing of Hazelcast starts. */
final class ClusterSection {

    private static final List<String> KEYS = List.of("name", "bind", "members", "secret");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final int MIN_SECRET = 16;
    private static final int DEFAULT_PORT = 5701;

    private ClusterSection() {
    }

    static ClusterConfig read(YamlNode node) {
        Map<String, YamlNode> m = node.entries(KEYS);
        String name = m.containsKey("name") ? m.get("name").text().map(String::trim).orElse(null) : null;
        if (name == null) {
            node.problems("name: missing (expected: the fleet's name; instances with the same name form one cluster)");
        } else if (!NAME.matcher(name).matches()) {
            m.get("name").problems("cluster name '" + name + "' may only use A-Z a-z 0-9 _ . -");
        }
        HostAndPort bind = m.containsKey("bind") ? m.get("bind").parsed(t -> HostAndPort.parse(t.trim(), DEFAULT_PORT))
                .orElse(null) : HostAndPort.of("127.0.0.1", DEFAULT_PORT);
        List<HostAndPort> members = new ArrayList<>();
        if (m.containsKey("members")) {
            for (YamlNode item : m.get("members").items()) {
                item.parsed(t -> HostAndPort.parse(t.trim(), DEFAULT_PORT)).ifPresent(members::add);
            }
        } else {
            node.problems("members: missing (expected: the addresses to join, e.g. [10.0.0.1:5701, 10.0.0.2:5701])");
        }
        String secret = m.containsKey("secret") ? m.get("secret").text().orElse(null) : null;
        if (secret == null) {
            node.problems("secret: missing (expected: a shared secret, e.g. ${CLUSTER_SECRET}; members without it are refused)");
        } else if (secret.length() < MIN_SECRET) {
            m.get("secret").problems("the secret has " + secret.length() + " characters (expected: at least " + MIN_SECRET + ")");
        }
        if (name == null || bind == null || secret == null) {
            return null;
        }
        return new ClusterConfig(name, bind, members, secret);
    }
}
