package dev.rotagate.config;

/** A client account, with the pool its requests use by default (null: the routes decide); never shows the password. */
public record UserConfig(String username, String password, String pool) {

    public UserConfig(String username, String password) {
        this(username, password, null);
    }

    @Override
    public String toString() {
        return "UserConfig[username=" + username + ", password=****, pool=" + pool + "]";
    }
}
