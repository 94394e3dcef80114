package dev.rotagate.config;

import java.util.List;

/**
 * Client authentication. Without users no credentials are asked for; then a non-loopback listen
 * address needs {@code allowOpenProxy}, because open proxies are found and abused within hours.
 */
public record AuthConfig(List<UserConfig> users, boolean allowOpenProxy) {

    public static final AuthConfig NONE = new AuthConfig(List.of(), false);

    public AuthConfig {
        users = List.copyOf(users);
    }

    public boolean required() {
        return !users.isEmpty();
    }
}
