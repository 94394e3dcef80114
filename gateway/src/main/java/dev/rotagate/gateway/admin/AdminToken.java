package dev.rotagate.gateway.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Checks an {@code Authorization} header against {@code admin.token}: {@code Bearer <token>}, or {@code Basic} with
 * the token as the password (any user name). Both sides are hashed first, so the comparison takes the same time
 * whatever was sent and however long it is.
 */
final class AdminToken {

    private AdminToken() {
    }

    static boolean matches(String token, String authorization) {
        if (authorization == null) {
            return false;
        }
        String given = null;
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = authorization.substring(7).trim();
        } else if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
                given = pair.indexOf(':') < 0 ? null : pair.substring(pair.indexOf(':') + 1);
            } catch (IllegalArgumentException e) {
                given = null;
            }
        }
        return given != null && MessageDigest.isEqual(sha256(given), sha256(token));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
