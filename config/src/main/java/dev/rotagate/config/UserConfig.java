package dev.rotagate.config;

/** A client account; {@link #toString()} never shows the password. */
public record UserConfig(String username, String password) {

    @Override
    public String toString() {
        return "UserConfig[username=" + username + ", password=****]";
    }
}
