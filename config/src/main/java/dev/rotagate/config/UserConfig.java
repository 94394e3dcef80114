package dev.rotagate.config;

import dev.rotagate.common.Cidr;
import java.util.List;

/**
 * A client account, with the pool its requests use by default (null: the routes decide), its limits — connections
 * at once and requests plus tunnels per second (0: unlimited) —, the addresses from which a client is this user
 * without credentials, and a password that never shows.
 */
public record UserConfig(String username, String password, String pool, int maxConnections, int rate,
                         List<Cidr> allowIps) {

    public UserConfig {
        allowIps = List.copyOf(allowIps);
    }

    public UserConfig(String username, String password, String pool, int maxConnections, int rate) {
        this(username, password, pool, maxConnections, rate, List.of());
    }

    public UserConfig(String username, String password) {
        this(username, password, null, 0, 0);
    }

    @Override
    public String toString() {
        return "UserConfig[username=" + username + ", password=****, pool=" + pool + ", maxConnections=" + maxConnections
                + ", rate=" + rate + ", allowIps=" + allowIps + "]";
    }
}
