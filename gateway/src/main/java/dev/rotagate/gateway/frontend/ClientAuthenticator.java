package dev.rotagate.gateway.frontend;

import dev.rotagate.common.RoutingHints;
import dev.rotagate.config.AuthConfig;
import dev.rotagate.config.UserConfig;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides who a client is, in this order: the user its listener is bound to ({@code user:}, no credentials asked;
 * only from allowed addresses when any are configured for that user), the user its credentials name (checked when
 * it sends a password and users are configured), the user whose {@code allow-ips} hold its address, anyone from
 * {@code auth.allow-ips}, and anyone at all on a gateway with neither users nor allowed addresses. The username may
 * carry routing hints ({@code scraper-session-a1}); the account is the part before them. Password comparisons run
 * over every account in constant time, so timing tells nothing.
 */
public final class ClientAuthenticator {

    private final AuthConfig auth;
    private final List<UserConfig> users;
    private final Map<String, UserConfig> byName;
    /** Made once per config generation: the checks below run on every request. */
    private final boolean required;

    public ClientAuthenticator(AuthConfig auth) {
        this.auth = auth;
        this.users = auth.users();
        this.byName = users.stream().collect(Collectors.toUnmodifiableMap(UserConfig::username, u -> u, (a, b) -> a));
        this.required = !users.isEmpty() || auth.byAddress();
    }

    /** Whether clients that are nobody's by address must bring credentials. */
    public boolean required() {
        return required;
    }

    /**
     * The routing hints of an accepted client (the listener's fixed routing not yet applied: {@link Entrance#apply});
     * empty when it is not let in. A null {@code password} means no credentials, only a username that carries hints
     * (SOCKS4's user id, or none at all).
     *
     * @throws IllegalArgumentException when the username's hints are malformed
     */
    public Optional<RoutingHints> authenticate(Entrance entrance, InetAddress client, String username, String password) {
        String bound = entrance.listener().user();
        if (bound != null) {
            UserConfig user = byName.get(bound);
            boolean allowed = !auth.boundUserNeedsAllowedAddress(user) || AuthConfig.matches(auth.allowIps(), client)
                    || user != null && AuthConfig.matches(user.allowIps(), client);
            return allowed ? Optional.of(new RoutingHints(bound, Optional.empty(), Optional.empty(), List.of()))
                    : Optional.empty();
        }
        RoutingHints hints = RoutingHints.parse(username);
        if (password != null && !users.isEmpty()) {
            return passwordMatches(hints.user(), password) ? Optional.of(hints) : Optional.empty();
        }
        for (UserConfig u : users) {
            if (AuthConfig.matches(u.allowIps(), client)) {
                return Optional.of(new RoutingHints(u.username(), hints.session(), hints.pool(), hints.tags()));
            }
        }
        if (!required || AuthConfig.matches(auth.allowIps(), client)) {
            return Optional.of(users.isEmpty() ? hints : new RoutingHints("", hints.session(), hints.pool(), hints.tags()));
        }
        return Optional.empty();
    }

    /** Whether a client without credentials on {@code entrance} from {@code client} gets in (SOCKS5 NO_AUTH). */
    public boolean letsInWithoutCredentials(Entrance entrance, InetAddress client) {
        return authenticate(entrance, client, null, null).isPresent();
    }

    private boolean passwordMatches(String username, String password) {
        byte[] user = username.getBytes(StandardCharsets.UTF_8);
        byte[] pass = password.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (UserConfig u : users) {
            boolean userMatches = MessageDigest.isEqual(user, u.username().getBytes(StandardCharsets.UTF_8));
            boolean passMatches = MessageDigest.isEqual(pass, u.password().getBytes(StandardCharsets.UTF_8));
            ok |= userMatches & passMatches;
        }
        return ok;
    }

    /** Parses a {@code Proxy-Authorization: Basic …} value into user and password; null parts when absent or bad. */
    public static String[] parseBasic(String header) {
        if (header == null) {
            return new String[] {null, null};
        }
        String h = header.trim();
        if (h.length() < 6 || !h.regionMatches(true, 0, "Basic ", 0, 6)) {
            return new String[] {null, null};
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? new String[] {decoded, null}
                    : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return new String[] {null, null};
        }
    }
}
