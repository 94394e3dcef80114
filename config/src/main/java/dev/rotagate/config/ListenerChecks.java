package dev.rotagate.config;

import dev.rotagate.common.HostAndPort;
import dev.rotagate.config.internal.Problems;
import dev.rotagate.config.internal.YamlNode;
import java.util.List;
import java.util.Optional;

/**
 * What the listeners require of the rest of the config: the users and pools they name exist, none is an open proxy
 * by accident, and addresses that let clients in without credentials cannot be forged with a PROXY header.
 */
final class ListenerChecks {

    private ListenerChecks() {
    }

    static void check(YamlNode listenNode, List<ListenerConfig> listeners, AuthConfig auth, ServerConfig server,
                      List<PoolConfig> pools, Problems problems) {
        int line = listenNode == null ? 0 : listenNode.line();
        List<String> poolNames = pools.stream().map(PoolConfig::name).toList();
        for (int i = 0; i < listeners.size(); i++) {
            ListenerConfig l = listeners.get(i);
            String path = listenNode == null || listenNode.isScalar() ? "listen" : "listen[" + i + "]";
            Optional<UserConfig> user = auth.users().stream().filter(u -> u.username().equals(l.user())).findFirst();
            if (l.user() != null && user.isEmpty()) {
                problems.add(line, path, "user '" + l.user() + "' is not in auth.users");
            }
            if (l.pool() != null && !poolNames.isEmpty() && !poolNames.contains(l.pool())) {
                problems.add(line, path, "unknown pool '" + l.pool() + "' (pools: " + String.join(", ", poolNames) + ")");
            }
            if (!auth.allowOpenProxy() && !HostAndPort.of(l.host(), l.firstPort()).isLoopback() && isOpen(l, auth, user)) {
                problems.add(line, path, l.describe() + " is reachable from other machines and asks no client for"
                        + (l.user() != null ? " credentials (it makes every client user " + l.user() + ")" : " credentials")
                        + "; add auth.users or auth.allow-ips, or set auth.allow-open-proxy: true if this is really meant"
                        + " to be an open proxy");
            }
        }
        if (server.trustsProxyHeadersFromAnyPeer() && auth.byAddress()) {
            problems.add(line, "server.proxy-protocol-from", "allow-ips trusts the client address, which comes from PROXY"
                    + " headers when server.proxy-protocol is on: list the load balancers allowed to send them"
                    + " (server.proxy-protocol-from: [CIDR, ...]), or anyone could claim an allowed address");
        }
    }

    /** Anyone who reaches it gets in: no credentials asked and no address checked. */
    private static boolean isOpen(ListenerConfig l, AuthConfig auth, Optional<UserConfig> user) {
        if (l.user() != null) {
            return !auth.boundUserNeedsAllowedAddress(user.orElse(null));
        }
        return !auth.required() && !auth.byAddress();
    }
}
