package dev.rotagate.config;

import dev.rotagate.common.Cidr;
import dev.rotagate.config.internal.YamlNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code auth}: the users, the addresses let in without credentials, and the open-proxy opt-in. */
final class AuthSection {

    private static final List<String> AUTH_KEYS = List.of("users", "allow-open-proxy", "allow-ips");
    private static final List<String> USER_KEYS = List.of("username", "password", "pool", "max-connections", "rate",
            "allow-ips");

    private AuthSection() {
    }

    static AuthConfig read(YamlNode node) {
        Map<String, YamlNode> m = node.entries(AUTH_KEYS);
        List<UserConfig> users = new ArrayList<>();
        Set<String> names = new HashSet<>();
        if (m.containsKey("users")) {
            for (YamlNode u : m.get("users").items()) {
                Map<String, YamlNode> um = u.entries(USER_KEYS);
                String name = um.containsKey("username") ? um.get("username").text().orElse(null) : null;
                String password = um.containsKey("password") ? um.get("password").text().orElse(null) : null;
                if (!um.containsKey("username")) {
                    u.problems("username: missing");
                }
                if (!um.containsKey("password")) {
                    u.problems("password: missing");
                }
                if (name != null && !Names.PLAIN.matcher(name).matches()) {
                    u.problems("username '" + name + "' may only use A-Z a-z 0-9 _ . (a '-' starts routing hints)");
                } else if (name != null && !names.add(name)) {
                    u.problems("username '" + name + "' appears twice");
                }
                String pool = um.containsKey("pool") ? um.get("pool").text().orElse(null) : null;
                List<Cidr> allowIps = um.containsKey("allow-ips") ? cidrs(um.get("allow-ips")) : List.of();
                if (name != null && password != null) {
                    int maxConnections = ConfigLoader.integer(um, "max-connections", 0, 0, 10_000_000);
                    int rate = ConfigLoader.integer(um, "rate", 0, 0, 10_000_000);
                    users.add(new UserConfig(name, password, pool, maxConnections, rate, allowIps));
                }
            }
        }
        boolean open = m.containsKey("allow-open-proxy") && m.get("allow-open-proxy").bool().orElse(false);
        List<Cidr> allowIps = m.containsKey("allow-ips") ? cidrs(m.get("allow-ips")) : List.of();
        return new AuthConfig(users, open, allowIps);
    }

    /** A list of {@code ADDRESS[/PREFIX]}; each bad item is its own problem. */
    static List<Cidr> cidrs(YamlNode node) {
        List<Cidr> out = new ArrayList<>();
        List<YamlNode> items = node.isScalar() ? List.of(node) : node.items();
        for (YamlNode item : items) {
            item.parsed(Cidr::parse).ifPresent(out::add);
        }
        return out;
    }
}
