package dev.rotagate.config;

import dev.rotagate.common.Cidr;
import java.net.InetAddress;
import java.util.List;

/**
 * Client authentication. Without users no credentials are asked for; then a non-loopback listen address needs
 * {@code allowOpenProxy}, because open proxies are found and abused within hours. A client from {@code allowIps}
 * needs no credentials either (it is nobody's user); one from a user's own {@code allow-ips} is that user.
 */
public record AuthConfig(List<UserConfig> users, boolean allowOpenProxy, List<Cidr> allowIps) {

    public static final AuthConfig NONE = new AuthConfig(List.of(), false, List.of());

    public AuthConfig {
        users = List.copyOf(users);
        allowIps = List.copyOf(allowIps);
    }

    public AuthConfig(List<UserConfig> users, boolean allowOpenProxy) {
        this(users, allowOpenProxy, List.of());
    }

    public boolean required() {
        return !users.isEmpty();
    }

    /** Some client is let in by its address: {@code auth.allow-ips} or a user's. */
    public boolean byAddress() {
        return !allowIps.isEmpty() || users.stream().anyMatch(u -> !u.allowIps().isEmpty());
    }

    /**
     * Whether a client that its listener makes {@code user} ({@code listen[].user}; null when that user is not in
     * {@code auth.users}) must come from an allowed address: the global allow-ips or that user's.
     */
    public boolean boundUserNeedsAllowedAddress(UserConfig user) {
        return !allowIps.isEmpty() || user != null && !user.allowIps().isEmpty();
    }

    public static boolean matches(List<Cidr> ranges, InetAddress address) {
        if (address == null) {
            return false;
        }
        for (Cidr c : ranges) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
