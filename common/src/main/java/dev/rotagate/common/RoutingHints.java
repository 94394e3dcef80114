package dev.rotagate.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Routing hints carried by the proxy username: {@code <user>[-session-<id>][-pool-<name>][-tag-<tag>]…}.
 * Values match {@code [A-Za-z0-9_.]+}, so the first {@code -session-}, {@code -pool-} or {@code -tag-} ends the user.
 */
public record RoutingHints(String user, Optional<String> session, Optional<String> pool, List<String> tags) {

    public static final RoutingHints NONE = new RoutingHints("", Optional.empty(), Optional.empty(), List.of());

    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_.]+");

    public RoutingHints {
        tags = List.copyOf(tags);
    }

    /** Splits a username into the account name and its hints; a malformed hint is an error, never ignored. */
    public static RoutingHints parse(String username) {
        if (username == null || username.isEmpty()) {
            return NONE;
        }
        String[] parts = username.split("-", -1);
        int firstHint = parts.length;
        for (int i = 1; i < parts.length; i++) {
            if (isKeyword(parts[i])) {
                firstHint = i;
                break;
            }
        }
        String user = String.join("-", java.util.Arrays.copyOfRange(parts, 0, firstHint));
        String session = null;
        String pool = null;
        List<String> tags = new ArrayList<>();
        for (int i = firstHint; i < parts.length; i += 2) {
            String key = parts[i];
            if (!isKeyword(key) || i + 1 >= parts.length || !VALUE.matcher(parts[i + 1]).matches()) {
                throw new IllegalArgumentException("username hints: " + username
                        + " (expected: user[-session-ID][-pool-NAME][-tag-TAG]..., values of A-Z a-z 0-9 _ .)");
            }
            String value = parts[i + 1];
            switch (key) {
                case "session" -> session = value;
                case "pool" -> pool = value;
                default -> tags.add(value);
            }
        }
        return new RoutingHints(user, Optional.ofNullable(session), Optional.ofNullable(pool), tags);
    }

    /**
     * These hints overridden by header values ({@code X-Rotagate-Session}, {@code X-Rotagate-Pool},
     * {@code X-Rotagate-Tag}, comma-separated tags added); null arguments leave a hint as it is.
     */
    public RoutingHints withHeaders(String sessionHeader, String poolHeader, List<String> tagHeaders) {
        String s = check(sessionHeader, "X-Rotagate-Session");
        String p = check(poolHeader, "X-Rotagate-Pool");
        List<String> t = new ArrayList<>(tags);
        for (String header : tagHeaders) {
            for (String tag : header.split(",")) {
                String trimmed = check(tag.trim(), "X-Rotagate-Tag");
                if (!t.contains(trimmed)) {
                    t.add(trimmed);
                }
            }
        }
        return new RoutingHints(user, s != null ? Optional.of(s) : session, p != null ? Optional.of(p) : pool, t);
    }

    private static String check(String value, String header) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        if (!VALUE.matcher(v).matches()) {
            throw new IllegalArgumentException(header + ": " + value + " (expected: A-Z a-z 0-9 _ . only)");
        }
        return v;
    }

    private static boolean isKeyword(String s) {
        return s.equals("session") || s.equals("pool") || s.equals("tag");
    }
}
