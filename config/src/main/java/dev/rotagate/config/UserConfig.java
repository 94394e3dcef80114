package dev.rotagate.config;

/**
 * A client account, with the pool its requests use by default (null: the routes decide), its limits — connections
 * at once and requests plus tunnels per second (0: unlimited) — and a password that never shows.
 */
public record UserConfig(String username, String password, String pool, int maxConnections, int rate) {

    public UserConfig(String username, String password) {
        this(username, password, null, 0, 0);
    }

    @Override
    public String toString() {
        return "UserConfig[username=" + username + ", password=****, pool=" + pool + ", maxConnections=" + maxConnections
                + ", rate=" + rate + "]";
    }
}
