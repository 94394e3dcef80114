package dev.rotagate.gateway.frontend;

import dev.rotagate.common.RoutingHints;
import dev.rotagate.config.AuthConfig;
import dev.rotagate.config.UserConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Checks client credentials. The username may carry routing hints ({@code scraper-session-a1}); the account is the
 * part before them. Every comparison runs over every account in constant time, so timing tells nothing.
 */
public final class ClientAuthenticator {

    private final List<UserConfig> users;

    public ClientAuthenticator(AuthConfig auth) {
        this.users = auth.users();
    }

    public boolean required() {
        return !users.isEmpty();
    }

    /**
     * The routing hints of an accepted client; empty when credentials are required and wrong or missing.
     * Without configured users anyone is accepted and the username only carries hints.
     *
     * @throws IllegalArgumentException when the username's hints are malformed
     */
    public Optional<RoutingHints> authenticate(String username, String password) {
        RoutingHints hints = RoutingHints.parse(username);
        if (users.isEmpty()) {
            return Optional.of(hints);
        }
        if (username == null || password == null) {
            return Optional.empty();
        }
        byte[] user = hints.user().getBytes(StandardCharsets.UTF_8);
        byte[] pass = password.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (UserConfig u : users) {
            boolean userMatches = MessageDigest.isEqual(user, u.username().getBytes(StandardCharsets.UTF_8));
            boolean passMatches = MessageDigest.isEqual(pass, u.password().getBytes(StandardCharsets.UTF_8));
            ok |= userMatches & passMatches;
        }
        return ok ? Optional.of(hints) : Optional.empty();
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
