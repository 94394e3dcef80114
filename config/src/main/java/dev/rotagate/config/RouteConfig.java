package dev.rotagate.config;

import java.util.List;
import java.util.Locale;

/**
 * A routing rule: targets whose host matches one of the globs go to the pool (and, with {@code tags}, to its upstreams
 * that carry them). {@code *} matches any run of
 * characters (also dots), {@code ?} one character; matching ignores case.
 */
public record RouteConfig(List<String> match, String pool, List<String> tags) {

    public RouteConfig {
        match = match.stream().map(m -> m.toLowerCase(Locale.ROOT)).toList();
        tags = List.copyOf(tags);
    }

    public RouteConfig(List<String> match, String pool) {
        this(match, pool, List.of());
    }

    public boolean matches(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        for (String glob : match) {
            if (glob(glob, 0, h, 0)) {
                return true;
            }
        }
        return false;
    }

    private static boolean glob(String g, int gi, String s, int si) {
        while (gi < g.length()) {
            char c = g.charAt(gi);
            if (c == '*') {
                while (gi < g.length() && g.charAt(gi) == '*') {
                    gi++;
                }
                if (gi == g.length()) {
                    return true;
                }
                for (int k = si; k <= s.length(); k++) {
                    if (glob(g, gi, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length() || (c != '?' && c != s.charAt(si))) {
                return false;
            }
            gi++;
            si++;
        }
        return si == s.length();
    }
}
