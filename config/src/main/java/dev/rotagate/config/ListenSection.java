package dev.rotagate.config;

import dev.rotagate.common.HostAndPort;
import dev.rotagate.config.internal.Problems;
import dev.rotagate.config.internal.YamlNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code listen}: one {@code HOST:PORT} as ever, or a list of them and of listener objects
 * ({@code { address: HOST[:PORT], ports: A-B, session: port, user: U, pool: P, tags: [T], name: N }}).
 */
final class ListenSection {

    static final HostAndPort DEFAULT_LISTEN = HostAndPort.of("127.0.0.1", 8080);
    /** Each port is a socket per event loop; a range wider than this is more likely a typo than a plan. */
    static final int MAX_PORTS = 1000;
    private static final List<String> KEYS = List.of("address", "ports", "session", "user", "pool", "tags", "name");
    private static final Pattern RANGE = Pattern.compile("(\\d{1,5})(?:\\s*-\\s*(\\d{1,5}))?");

    private ListenSection() {
    }

    static List<ListenerConfig> read(YamlNode node, Problems problems) {
        if (node.isScalar()) {
            return node.parsed(ListenSection::address).map(a -> List.of(ListenerConfig.plain(a)))
                    .orElse(List.of(ListenerConfig.plain(DEFAULT_LISTEN)));
        }
        List<ListenerConfig> out = new ArrayList<>();
        List<YamlNode> at = new ArrayList<>();
        for (YamlNode item : node.items()) {
            ListenerConfig l = item.isScalar() ? item.parsed(ListenSection::address).map(ListenerConfig::plain).orElse(null)
                    : listener(item);
            if (l == null) {
                continue;
            }
            for (int i = 0; i < out.size(); i++) {
                if (out.get(i).overlaps(l)) {
                    problems.add(item, l.describe() + " overlaps " + out.get(i).describe() + " (line " + at.get(i).line() + ")");
                } else if (out.get(i).name().equals(l.name())) {
                    problems.add(item, "listener name '" + l.name() + "' is used twice (set name: to tell them apart)");
                }
            }
            out.add(l);
            at.add(item);
        }
        if (out.isEmpty() && problems.isEmpty()) {
            problems.add(node, "no listener (expected: HOST:PORT, or a list of them and of { address: ..., ports: ... })");
        }
        return out;
    }

    private static ListenerConfig listener(YamlNode item) {
        Map<String, YamlNode> m = item.entries(KEYS);
        if (!m.containsKey("address")) {
            item.problems("address: missing (expected: { address: 127.0.0.1, ports: 10000-10099, ... })");
            return null;
        }
        String text = m.get("address").text().orElse("").trim();
        HostAndPort address;
        int first;
        int last;
        if (m.containsKey("ports")) {
            address = m.get("address").parsed(t -> HostAndPort.parse(t.trim(), 0)).orElse(null);
            if (address != null && address.port() != 0) {
                m.get("address").problems("a port in address and ports: together (expected: one of them)");
            }
            int[] range = m.get("ports").parsed(ListenSection::range).orElse(null);
            if (address == null || range == null) {
                return null;
            }
            first = range[0];
            last = range[1];
        } else {
            address = m.get("address").parsed(ListenSection::address).orElse(null);
            if (address == null) {
                return null;
            }
            first = address.port();
            last = first;
        }
        boolean sessionPerPort = false;
        if (m.containsKey("session")) {
            String s = m.get("session").text().orElse("").trim().toLowerCase(Locale.ROOT);
            if (s.equals("port")) {
                sessionPerPort = true;
            } else if (!s.equals("none")) {
                m.get("session").problems("session: '" + s + "' (expected: port, each port its own sticky session; or none)");
            }
        }
        String user = m.containsKey("user") ? m.get("user").text().map(String::trim).orElse(null) : null;
        String pool = m.containsKey("pool") ? m.get("pool").text().map(String::trim).orElse(null) : null;
        List<String> tags = m.containsKey("tags") ? Names.tags(m.get("tags")) : List.of();
        String describe = HostAndPort.of(address.host(), first) + (last != first ? "-" + last : "");
        String name = m.containsKey("name") ? m.get("name").text().map(String::trim).orElse(describe) : describe;
        if (!Names.ENDPOINT.matcher(name).matches()) {
            (m.containsKey("name") ? m.get("name") : item).problems("listener name '" + name
                    + "' may only use A-Z a-z 0-9 _ . : - [ ]" + (m.containsKey("name") ? "" : " (set name:)"));
        }
        if (text.isEmpty()) {
            return null;
        }
        return new ListenerConfig(name, address.host(), first, last, sessionPerPort, user, pool, tags);
    }

    /** {@code HOST:PORT}, {@code HOST} (port 8080), or a bare port on loopback. */
    static HostAndPort address(String text) {
        String t = text.trim();
        return t.chars().allMatch(Character::isDigit) && !t.isEmpty() ? HostAndPort.of("127.0.0.1", Integer.parseInt(t))
                : HostAndPort.parse(t, 8080);
    }

    private static int[] range(String text) {
        Matcher m = RANGE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("ports: " + text + " (expected: a port, or FIRST-LAST such as 10000-10099)");
        }
        int first = Integer.parseInt(m.group(1));
        int last = m.group(2) == null ? first : Integer.parseInt(m.group(2));
        if (first < 1 || last > 65535 || last < first) {
            throw new IllegalArgumentException("ports: " + text + " (expected: 1-65535, the first not above the last)");
        }
        if (last - first + 1 > MAX_PORTS) {
            throw new IllegalArgumentException("ports: " + text + " is " + (last - first + 1) + " ports (expected: at most "
                    + MAX_PORTS + ")");
        }
        return new int[] {first, last};
    }
}
