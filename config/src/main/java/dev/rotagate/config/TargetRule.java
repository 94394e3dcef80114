package dev.rotagate.config;

import dev.rotagate.common.Cidr;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.TargetNames;
import java.net.InetAddress;
import java.util.Locale;

/**
 * One {@code targets.allow} entry: an address range ({@code 10.1.0.0/16}), a range on one port
 * ({@code 10.1.0.0/16:5432}), or a host on one port ({@code 127.0.0.1:18080}, {@code db.internal:5432}).
 * {@code port} 0 means any port; {@code host} is set only for a named host, {@code range} only for addresses.
 */
public record TargetRule(Cidr range, String host, int port, String text) {

    public static TargetRule parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        if (slash >= 0) {
            String afterSlash = t.substring(slash + 1);
            int colon = afterSlash.indexOf(':');
            String cidr = colon < 0 ? t : t.substring(0, slash + 1 + colon);
            int port = colon < 0 ? 0 : port(afterSlash.substring(colon + 1), text);
            return new TargetRule(Cidr.parse(cidr), null, port, t);
        }
        HostAndPort hp;
        try {
            hp = HostAndPort.parse(t, 0);
        } catch (IllegalArgumentException e) {
            throw expected(text);
        }
        InetAddress literal;
        try {
            literal = TargetNames.literal(hp.host());
        } catch (IllegalArgumentException e) {
            throw expected(text);
        }
        if (literal != null) {
            return new TargetRule(Cidr.parse(literal.getHostAddress()), null, hp.port(), t);
        }
        if (hp.port() == 0) {
            throw new IllegalArgumentException("'" + text + "': a host name needs a port (expected: CIDR, CIDR:port or host:port)");
        }
        try {
            TargetNames.check(hp.host());
        } catch (IllegalArgumentException e) {
            throw expected(text);
        }
        return new TargetRule(null, hp.host().toLowerCase(Locale.ROOT), hp.port(), t);
    }

    /** Whether this entry allows {@code address} on {@code port}. */
    public boolean allows(InetAddress address, int port) {
        return range != null && range.contains(address) && (this.port == 0 || this.port == port);
    }

    /** Whether this entry allows the named host (as the client wrote it) on {@code port}. */
    public boolean allows(String name, int port) {
        return host != null && this.port == port && host.equalsIgnoreCase(name);
    }

    private static int port(String text, String whole) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 65535) {
            throw new IllegalArgumentException("'" + whole + "': port '" + text + "' (expected: 1-65535)");
        }
        return Integer.parseInt(text);
    }

    private static IllegalArgumentException expected(String text) {
        return new IllegalArgumentException("'" + text + "' (expected: CIDR, CIDR:port or host:port, e.g. 10.1.0.0/16,"
                + " 10.1.0.0/16:5432 or db.internal:5432)");
    }

    @Override
    public String toString() {
        return text;
    }
}
